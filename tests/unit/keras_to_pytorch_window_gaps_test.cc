// Keras semantics PyTorch has no single argument for: 'same' average pooling with uneven pads
// left out of the mean, uneven transposed-conv crops, ReLU(max_value=m) and Normalization with
// per-feature constants. Reader side (the pivot the Keras layer becomes) and writer side (the
// PyTorch text that computes the same).
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "keras_reader_test_util.h"
#include "passes/layout_planning.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using nnport::testing::conv_attrs;
using nnport::testing::GraphBuilder;
using pivot::Attrs;
using pivot::OpKind;

namespace {

std::unique_ptr<ReadResult> functional(const std::string& input_shape, const std::string& body) {
  return read("import keras\nfrom keras import layers\n\ndef model():\n    x = keras.Input(shape=" +
              input_shape + ")\n    inputs = x\n" + body + "    return keras.Model(inputs, x)\n");
}

struct Written {
  std::string python;
  bool partial = true;
  std::string errors;
};

Written write(GraphBuilder& b) {
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::plan_channels_first(b.model, diags));
  auto out = writers::pytorch::write_pytorch(b.model, {"net.py"}, diags);
  Written w;
  for (const auto& d : diags.diagnostics()) w.errors += format_diagnostic(d) + "\n";
  if (!out) return w;
  w.python = out->python;
  w.partial = out->partial;
  return w;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Attrs avg_pool(std::vector<int64_t> kernel, std::vector<int64_t> stride,
               std::vector<int64_t> pads) {
  return {{"kernel_size", std::move(kernel)},
          {"stride", std::move(stride)},
          {"pads", std::move(pads)},
          {"count_include_pad", false}};
}

// A layer (module_path set) without parameters, as the Keras reader makes it.
pivot::ValueId layer(GraphBuilder& b, OpKind kind, const std::string& name, pivot::ValueId x,
                     Attrs attrs) {
  auto y = b.op(kind, name, {x}, std::move(attrs));
  b.graph().nodes.back().module_path = name;
  return y;
}

}  // namespace

TEST(KerasGapsWriter, StridedAveragePoolWithUnevenPadsUsesCeilMode) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 8, 16});
  // Keras pool 3, stride 2, 'same' on 16: 0 before, 1 after; 8 windows, the last one two cells.
  auto y = layer(b, OpKind::AvgPool, "pool", x, avg_pool({3}, {2}, {0, 1}));
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python,
                       "self.pool = nn.AvgPool1d(3, stride=2, ceil_mode=True, "
                       "count_include_pad=False)\n"))
      << w.python << w.errors;
  EXPECT_TRUE(contains(w.python, "x = self.pool(x)\n")) << w.python;
  EXPECT_FALSE(w.partial) << w.errors;
}

TEST(KerasGapsWriter, StrideOneAveragePoolPadsTheLargerSideAndDropsTheFirstWindow) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 2, 7, 9});
  // pool (2, 4), stride 1, 'same': (0, 1) and (1, 2).
  auto y = layer(b, OpKind::AvgPool, "pool", x, avg_pool({2, 4}, {1, 1}, {0, 1, 1, 2}));
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python,
                       "nn.AvgPool2d((2, 4), stride=1, padding=(1, 2), "
                       "count_include_pad=False)"))
      << w.python << w.errors;
  EXPECT_TRUE(contains(w.python, "x = self.pool(x)[..., 1:, 1:]\n")) << w.python;
  EXPECT_FALSE(w.partial) << w.errors;
}

TEST(KerasGapsWriter, UnevenAveragePoolOfUnknownSizeIsReported) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 4, pivot::kUnknown});
  auto y = layer(b, OpKind::AvgPool, "pool", x, avg_pool({3}, {2}, {0, 1}));
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(w.partial) << w.python;
  EXPECT_TRUE(contains(w.errors, "static size")) << w.errors;
}

TEST(KerasGapsWriter, TransposedConvCropsTheUnevenRestAfterTheLayer) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 3, 5});
  Attrs a = conv_attrs(3, 4, {4}, {1, 2});  // Keras k=4, s=2 'same': crop (1, 2)
  a["stride"] = std::vector<int64_t>{2};
  auto y = b.op(OpKind::ConvTranspose, "up", {x}, a, {"weight", "bias"});
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.up = nn.ConvTranspose1d(3, 4, 4, stride=2, padding=1)\n"))
      << w.python << w.errors;
  EXPECT_TRUE(contains(w.python, "x = self.up(x)[..., :-1]\n")) << w.python;
  EXPECT_FALSE(w.partial) << w.errors;
}

TEST(KerasGapsWriter, ClipIsHardtanh) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 6});
  auto y = layer(b, OpKind::Clip, "re_lu", x, {{"min_value", 0.0}, {"max_value", 0.8}});
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.re_lu = nn.Hardtanh(min_val=0.0, max_val=0.8)\n"))
      << w.python << w.errors;
}

TEST(KerasGapsWriter, StandardizeKeepsItsConstantsAsBuffersShapedForTheAxis) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 3, 7});
  auto y = b.op(OpKind::Standardize, "normalization", {x},
                {{"mean", std::vector<double>{0.5, -1.0, 2.0}},
                 {"variance", std::vector<double>{4.0, 0.25, 0.0}},
                 {"axis", int64_t{1}}});
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python,
                       "        self.register_buffer(\n            \"normalization_mean\", "
                       "torch.tensor([0.5, -1.0, 2.0]).reshape(-1, 1), persistent=False\n"))
      << w.python << w.errors;
  EXPECT_TRUE(contains(w.python,
                       "torch.tensor([4.0, 0.25, 0.0]).reshape(-1, 1).sqrt()"
                       ".clamp(min=1e-07)"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "x = (x - self.normalization_mean) / self.normalization_std\n"))
      << w.python;
  EXPECT_FALSE(w.partial) << w.errors;
}

TEST(KerasGapsReader, ReluMaxValueIsAClipAndTheRestIsExplicit) {
  auto r = functional("(4,)",
                      "    x = layers.ReLU(max_value=0.8)(x)\n"
                      "    x = layers.ReLU(negative_slope=0.2)(x)\n"
                      "    x = layers.ReLU(max_value=None)(x)\n");
  expect_valid(*r);
  const auto& clip = r->node("re_lu");
  EXPECT_EQ(clip.kind, OpKind::Clip);
  EXPECT_DOUBLE_EQ(pivot::attr_float(clip, "min_value"), 0.0);
  EXPECT_DOUBLE_EQ(pivot::attr_float(clip, "max_value"), 0.8);
  EXPECT_EQ(r->node("re_lu_1").kind, OpKind::LeakyRelu);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("re_lu_1"), "negative_slope"), 0.2);
  EXPECT_EQ(r->node("re_lu_2").kind, OpKind::Relu);
}

TEST(KerasGapsReader, ReluThresholdAndSlopeWithMaxAreReported) {
  auto r = functional("(4,)", "    x = layers.ReLU(threshold=0.5)(x)\n");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument)) << r->dump();
  auto s = functional("(4,)", "    x = layers.ReLU(max_value=2.0, negative_slope=0.1)(x)\n");
  EXPECT_TRUE(s->has(Code::UnsupportedArgument)) << s->dump();
}

TEST(KerasGapsReader, NormalizationWithPerFeatureConstants) {
  auto r = functional(
      "(5, 3)",
      "    x = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0])(x)\n");
  expect_valid(*r);
  const auto& n = r->node("normalization");
  EXPECT_EQ(n.kind, OpKind::Standardize);
  EXPECT_EQ(std::get<std::vector<double>>(pivot::get_attr(n, "variance")),
            (std::vector<double>{1.0, 4.0, 9.0}));
  EXPECT_EQ(pivot::attr_int(n, "axis"), -1);
  EXPECT_TRUE(n.params.empty());  // constructor constants are not weights in Keras either
  EXPECT_EQ(r->out_type("normalization").shape, (Shape{N, 5, 3}));
}

TEST(KerasGapsReader, AdaptedNormalizationAndMismatchedStatisticsAreReported) {
  auto r = functional("(3,)", "    x = layers.Normalization()(x)\n");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument)) << r->dump();
  auto s = functional("(3,)", "    x = layers.Normalization(mean=[1.0, 2.0], variance=[1.0])(x)\n");
  EXPECT_TRUE(s->has(Code::UnsupportedArgument)) << s->dump();
}

TEST(KerasGapsReader, TransposedConvCropsFollowKeras3) {
  auto r = functional("(5, 2)",
                      "    x = layers.Conv1DTranspose(3, 4, padding='same')(x)\n"
                      "    x = layers.Conv1DTranspose(3, 3, strides=2, padding='same', "
                      "output_padding=1)(x)\n"
                      "    x = layers.Conv1DTranspose(3, 1, strides=3, padding='valid')(x)\n");
  expect_valid(*r);
  // k=4, s=1: the full 8 cells cropped (1, 2) to n*s = 5.
  EXPECT_EQ(pivot::attr_ints(r->node("conv1d_transpose"), "pads"), (Shape{1, 2}));
  EXPECT_EQ(r->out_type("conv1d_transpose").shape, (Shape{N, 5, 3}));
  // k=3, s=2, output_padding=1: (n-1)*s + k%2 + 1 = 10, cropped (0, 1) from 11.
  EXPECT_EQ(pivot::attr_ints(r->node("conv1d_transpose_1"), "pads"), (Shape{0, 1}));
  EXPECT_EQ(r->out_type("conv1d_transpose_1").shape, (Shape{N, 10, 3}));
  // k=1 < s=3, 'valid': n*s, the last s - k cells are output_padding.
  EXPECT_EQ(pivot::attr_ints(r->node("conv1d_transpose_2"), "output_padding"), (Shape{2}));
  EXPECT_EQ(r->out_type("conv1d_transpose_2").shape, (Shape{N, 30, 3}));
}
