// Keras semantics PyTorch has no single argument for: 'same' average pooling with uneven pads
// left out of the mean, uneven transposed-conv crops, ReLU(max_value=m) and Normalization with
// per-feature constants or statistics learned by adapt(). Reader side (the pivot the Keras layer
// becomes) and writer side (the PyTorch text that computes the same).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

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

TEST(KerasGapsReader, ReluThresholdAndSlopeWithMaxAreExplicitSteps) {
  auto r = functional("(4,)",
                      "    x = layers.ReLU(threshold=0.5)(x)\n"
                      "    x = layers.ReLU(max_value=2.0, threshold=0.5)(x)\n"
                      "    x = layers.ReLU(max_value=2.0, negative_slope=0.1)(x)\n");
  expect_valid(*r);
  const auto& t = r->node("re_lu");
  EXPECT_EQ(t.kind, OpKind::Threshold);
  EXPECT_DOUBLE_EQ(pivot::attr_float(t, "threshold"), 0.5);
  EXPECT_DOUBLE_EQ(pivot::attr_float(t, "value"), 0.0);
  EXPECT_EQ(r->node("re_lu_1").kind, OpKind::Threshold);
  EXPECT_EQ(r->node("re_lu_1_clip").kind, OpKind::Clip);
  // Keras: clip(relu(x), 0, 2) - 0.1 * relu(0 - x).
  EXPECT_EQ(r->node("re_lu_2").kind, OpKind::Clip);
  EXPECT_EQ(r->node("re_lu_2_below").kind, OpKind::Sub);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("re_lu_2_slope"), "scalar"), -0.1);
  EXPECT_EQ(r->node("re_lu_2_sum").kind, OpKind::Add);
  auto s = functional("(4,)", "    x = layers.ReLU(threshold=-0.5)(x)\n");
  EXPECT_TRUE(s->has(Code::UnsupportedArgument)) << s->dump();
}

TEST(KerasGapsReader, RegularizersAreParameterPenalties) {
  auto r = functional("(4,)",
                      "    x = layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.001),\n"
                      "                     bias_regularizer='l1')(x)\n"
                      "    x = layers.Dense(2, kernel_regularizer=keras.regularizers.L1L2(l1=0.1, "
                      "l2=0.2))(x)\n");
  expect_valid(*r);
  EXPECT_DOUBLE_EQ(r->param("dense", "weight").l2_penalty, 0.001);
  EXPECT_DOUBLE_EQ(r->param("dense", "weight").l1_penalty, 0.0);
  EXPECT_DOUBLE_EQ(r->param("dense", "bias").l1_penalty, 0.01);
  EXPECT_DOUBLE_EQ(r->param("dense_1", "weight").l1_penalty, 0.1);
  EXPECT_DOUBLE_EQ(r->param("dense_1", "weight").l2_penalty, 0.2);
  EXPECT_DOUBLE_EQ(r->param("dense_1", "bias").l2_penalty, 0.0);
  auto a = functional("(4,)", "    x = layers.Dense(3, activity_regularizer='l2')(x)\n");
  EXPECT_TRUE(a->has(Code::UnsupportedArgument)) << a->dump();
  auto o = functional("(4,)",
                      "    x = layers.Dense(3, kernel_regularizer="
                      "keras.regularizers.OrthogonalRegularizer())(x)\n");
  EXPECT_TRUE(o->has(Code::UnsupportedArgument)) << o->dump();
}

TEST(KerasGapsReader, GoBackwardsFlipsTheInputOnly) {
  auto r =
      functional("(5, 3)", "    x = layers.LSTM(4, return_sequences=True, go_backwards=True)(x)\n");
  expect_valid(*r);
  const auto& flip = r->node("lstm_reversed");
  EXPECT_EQ(flip.kind, OpKind::Flip);
  EXPECT_EQ(pivot::attr_ints(flip, "axes"), (std::vector<int64_t>{1}));
  EXPECT_EQ(r->node("lstm").inputs[0], flip.outputs[0]);
  auto b =
      functional("(5, 3)", "    x = layers.Bidirectional(layers.GRU(4, go_backwards=True))(x)\n");
  EXPECT_TRUE(b->has(Code::UnsupportedArgument)) << b->dump();
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

TEST(KerasGapsReader, AdaptedNormalizationHasItsStatisticsAsWeights) {
  // Keras 3 builds mean, variance (the kept axis) and an int64 count as non-trainable variables.
  auto r = functional("(4, 3)", "    x = layers.Normalization()(x)\n");
  expect_valid(*r);
  const auto& n = r->node("normalization");
  EXPECT_EQ(n.kind, OpKind::Standardize);
  EXPECT_FALSE(pivot::attr_is_set(n, "mean"));
  EXPECT_EQ(pivot::attr_int(n, "num_features"), 3);
  EXPECT_EQ(r->param("normalization", "mean").name, "layers/normalization/vars/0");
  EXPECT_EQ(r->param("normalization", "variance").name, "layers/normalization/vars/1");
  const auto& count = r->param("normalization", "count");
  EXPECT_EQ(count.name, "layers/normalization/vars/2");
  EXPECT_EQ(count.dtype, pivot::DType::Int64);
  EXPECT_TRUE(count.shape.empty());
  EXPECT_TRUE(r->param("normalization", "mean").buffer);
  EXPECT_EQ(r->param("normalization", "variance").shape, (Shape{3}));
}

TEST(KerasGapsReader, MismatchedOrHalfGivenStatisticsAreReported) {
  auto s = functional("(3,)", "    x = layers.Normalization(mean=[1.0, 2.0], variance=[1.0])(x)\n");
  EXPECT_TRUE(s->has(Code::UnsupportedArgument)) << s->dump();
  auto t = functional("(3,)", "    x = layers.Normalization(mean=[1.0, 2.0, 3.0])(x)\n");
  EXPECT_TRUE(t->has(Code::UnsupportedArgument)) << t->dump();
}

TEST(KerasGapsWriter, AdaptedStandardizeIsAKerasNormalizationModuleWithBuffers) {
  GraphBuilder b;
  auto x = b.input("x", {pivot::kBatch, 3});
  auto y = layer(b, OpKind::Standardize, "normalization", x,
                 {{"num_features", int64_t{3}}, {"axis", int64_t{-1}}});
  auto& node = b.graph().nodes.back();
  for (const char* role : {"mean", "variance", "count"}) {
    pivot::Param p;
    p.name = std::string("normalization/") + role;
    if (role != std::string("count")) p.shape = {3};
    p.buffer = true;
    node.params[role] = b.graph().add_param(p);
  }
  b.output(y);
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::plan_channels_first(b.model, diags));
  auto out = writers::pytorch::write_pytorch(b.model, {"net.py"}, diags);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->partial);
  EXPECT_TRUE(contains(out->python, "class KerasNormalization(nn.Module):")) << out->python;
  EXPECT_TRUE(contains(out->python, "    def adapt(self, data):")) << out->python;
  EXPECT_TRUE(contains(out->python, "self.variance.copy_(data.var(dims, unbiased=False))"))
      << out->python;
  EXPECT_TRUE(contains(out->python, "self.normalization = KerasNormalization(3")) << out->python;
  EXPECT_TRUE(contains(out->python, "x = self.normalization(x)")) << out->python;
  std::set<std::string> keys;
  for (const auto& slot : out->weights.slots) keys.insert(slot.target_name);
  EXPECT_EQ(keys, (std::set<std::string>{"normalization.count", "normalization.mean",
                                         "normalization.variance"}));
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

TEST(KerasGapsWriter, RegularizersBecomeARegularizationLossMethod) {
  auto r =
      functional("(4,)",
                 "    x = layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.001))(x)\n"
                 "    x = layers.Dense(2, kernel_regularizer='l1')(x)\n");
  expect_valid(*r);
  pivot::Model model = *r->model;
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::plan_channels_first(model, diags));
  auto out = writers::pytorch::write_pytorch(model, {"net.py"}, diags);
  ASSERT_TRUE(out);
  EXPECT_TRUE(contains(out->python, "    def regularization_loss(self):\n")) << out->python;
  EXPECT_TRUE(contains(out->python, "0.001 * self.dense.weight.square().sum()")) << out->python;
  EXPECT_TRUE(contains(out->python, "0.01 * self.dense_1.weight.abs().sum()")) << out->python;
}

TEST(KerasGapsReader, ElementwiseMathAndAConstantMaximum) {
  auto r = functional(
      "(4,)",
      "    x = keras.ops.sqrt(keras.ops.maximum(keras.ops.square(x), 1e-7))\n"
      "    x = keras.ops.log(keras.ops.minimum(2.0, keras.ops.exp(keras.ops.abs(x))))\n");
  expect_valid(*r);
  std::vector<OpKind> kinds = r->kinds();
  for (OpKind k : {OpKind::Square, OpKind::Maximum, OpKind::Sqrt, OpKind::Abs, OpKind::Exp,
                   OpKind::Minimum, OpKind::Log})
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), k), kinds.end()) << pivot::op_name(k);
  for (const auto& n : r->graph().nodes) {
    if (n.kind == OpKind::Maximum) {
      EXPECT_DOUBLE_EQ(pivot::attr_float(n, "scalar"), 1e-7);
    }
  }
}
