// The sub-pixel shuffles (depth_to_space / space_to_depth): the catalog's shape rule, what each
// reader makes of TensorFlow's and PyTorch's spellings (their channel orders 'DCR' and 'CRD'),
// and what each writer writes for both orders. The numbers behind the orders are checked against
// the real frameworks by the equivalence cases (keras/models/func_depth_to_space_dcr.py,
// pytorch/models/layers_pixel_shuffle.py); these tests pin the spellings.
#include <gtest/gtest.h>

#include "keras_model_builder.h"
#include "keras_reader_test_util.h"
#include "passes/pipeline.h"
#include "pytorch_reader_test_util.h"
#include "writers/keras/writer.h"
#include "writers/pytorch/expressions.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using pivot::OpKind;
namespace kr = nnport::testing::keras_reader;
namespace pr = nnport::testing;

namespace {

constexpr int64_t N = pivot::kBatch;

struct Shaped {
  bool ok = false;
  std::vector<int64_t> shape;
  std::string error;
};

Shaped infer(OpKind kind, std::vector<int64_t> in, int64_t r, const std::string& format) {
  pivot::Node node;
  node.kind = kind;
  node.attrs = {{"blocksize", r}, {"data_format", format}};
  std::vector<pivot::TensorType> inputs = {{pivot::DType::Float32, std::move(in), true, ""}};
  std::vector<pivot::TensorType> outputs(1);
  pivot::ShapeContext ctx{node, inputs, outputs, {}};
  Shaped s;
  s.ok = pivot::schema(kind).infer(ctx);
  s.shape = outputs[0].shape;
  s.error = ctx.error;
  return s;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string to_pytorch(pivot::Model& model, std::string* errors = nullptr) {
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::prepare_for_channels_first(model, diags));
  auto out = writers::pytorch::write_pytorch(model, {"net.py"}, diags);
  if (errors)
    for (const auto& d : diags.diagnostics()) *errors += format_diagnostic(d) + "\n";
  return out ? out->python : std::string();
}

}  // namespace

TEST(BlockShuffleCatalog, DepthToSpaceShapesInEitherLayout) {
  const Shaped last = infer(OpKind::DepthToSpace, {N, 8, 5, 18}, 3, "channels_last");
  ASSERT_TRUE(last.ok) << last.error;
  EXPECT_EQ(last.shape, (std::vector<int64_t>{N, 24, 15, 2}));
  const Shaped first =
      infer(OpKind::DepthToSpace, {N, 18, 8, pivot::kUnknown}, 3, "channels_first");
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.shape, (std::vector<int64_t>{N, 2, 24, pivot::kUnknown}));
  const Shaped bad = infer(OpKind::DepthToSpace, {N, 8, 8, 10}, 3, "channels_last");
  EXPECT_FALSE(bad.ok);
  EXPECT_TRUE(contains(bad.error, "multiple of blocksize^2")) << bad.error;
  EXPECT_FALSE(infer(OpKind::DepthToSpace, {N, 9, 8}, 3, "channels_first").ok);
}

TEST(BlockShuffleCatalog, SpaceToDepthIsTheInverse) {
  const Shaped s = infer(OpKind::SpaceToDepth, {N, 2, 24, 15}, 3, "channels_first");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.shape, (std::vector<int64_t>{N, 18, 8, 5}));
  EXPECT_FALSE(infer(OpKind::SpaceToDepth, {N, 2, 25, 15}, 3, "channels_first").ok);
  // Unset, the mode is ONNX's default, TensorFlow's order.
  pivot::Node node;
  node.kind = OpKind::SpaceToDepth;
  EXPECT_EQ(pivot::attr_string(node, "mode"), "DCR");
}

TEST(BlockShuffleKerasReader, DepthToSpaceIsTensorFlowOrderChannelsLast) {
  auto r = kr::read(
      "import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import "
      "layers\n\ndef get_model():\n    inputs = keras.Input(shape=(8, 8, 1))\n"
      "    x = layers.Conv2D(9, 3, padding=\"same\")(inputs)\n"
      "    x = tf.nn.depth_to_space(x, 3)\n"
      "    outputs = tf.nn.space_to_depth(x, block_size=3)\n"
      "    return keras.Model(inputs, outputs)\n");
  kr::expect_valid(*r);
  const pivot::Node* d2s = nullptr;
  const pivot::Node* s2d = nullptr;
  for (const auto& n : r->graph().nodes) {
    if (n.kind == OpKind::DepthToSpace) d2s = &n;
    if (n.kind == OpKind::SpaceToDepth) s2d = &n;
  }
  ASSERT_TRUE(d2s && s2d) << r->dump();
  for (const auto* n : {d2s, s2d}) {
    EXPECT_EQ(pivot::attr_int(*n, "blocksize"), 3);
    EXPECT_EQ(pivot::attr_string(*n, "mode"), "DCR");
    EXPECT_EQ(pivot::attr_string(*n, "data_format"), "channels_last");
  }
  EXPECT_EQ(r->graph().values[d2s->outputs[0]].type.shape, (std::vector<int64_t>{N, 24, 24, 1}));
  EXPECT_EQ(r->graph().values[s2d->outputs[0]].type.shape, (std::vector<int64_t>{N, 8, 8, 9}));
}

TEST(BlockShuffleKerasReader, InsideCallOfACustomLayer) {
  auto r = kr::read(
      "import tensorflow as tf\nimport keras\nfrom keras import layers\n\n"
      "class Upscale(layers.Layer):\n    def __init__(self, factor, **kwargs):\n"
      "        super().__init__(**kwargs)\n        self.factor = factor\n"
      "        self.conv = layers.Conv2D(4 * factor * factor, 3, padding=\"same\")\n\n"
      "    def call(self, x):\n        return tf.nn.depth_to_space(self.conv(x), "
      "block_size=self.factor)\n\n"
      "def build():\n    inputs = keras.Input(shape=(6, 6, 4))\n"
      "    return keras.Model(inputs, Upscale(2)(inputs))\n");
  kr::expect_valid(*r);
  bool found = false;
  for (const auto& n : r->graph().nodes)
    if (n.kind == OpKind::DepthToSpace) {
      found = true;
      EXPECT_EQ(pivot::attr_int(n, "blocksize"), 2);
      EXPECT_EQ(r->graph().values[n.outputs[0]].type.shape, (std::vector<int64_t>{N, 12, 12, 4}));
    }
  EXPECT_TRUE(found) << r->dump();
}

TEST(BlockShuffleKerasReader, ChannelsFirstDataFormatIsReported) {
  auto r = kr::read(
      "import tensorflow as tf\nfrom tensorflow import keras\n\ndef get_model():\n"
      "    inputs = keras.Input(shape=(8, 8, 4))\n"
      "    outputs = tf.nn.depth_to_space(inputs, 2, data_format=\"NCHW\")\n"
      "    return keras.Model(inputs, outputs)\n");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 6)) << r->dump();
}

TEST(BlockShufflePytorchReader, PixelShuffleSpellingsAreCrd) {
  auto r = pr::read(
      "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n"
      "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
      "        self.shuffle = nn.PixelShuffle(2)\n        self.unshuffle = nn.PixelUnshuffle(2)\n\n"
      "    def forward(self, x):\n        y = self.shuffle(x)\n        z = F.pixel_unshuffle(y, "
      "2)\n"
      "        w = torch.pixel_shuffle(z, upscale_factor=2)\n        return self.unshuffle(w)\n",
      [] {
        readers::ReadOptions o;
        o.inputs.push_back(readers::InputSpec{std::vector<int64_t>{N, 8, 4, 4}, std::nullopt});
        return o;
      }());
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  int shuffles = 0, unshuffles = 0;
  for (const auto& n : r->graph().nodes) {
    if (n.kind != OpKind::DepthToSpace && n.kind != OpKind::SpaceToDepth) continue;
    (n.kind == OpKind::DepthToSpace ? shuffles : unshuffles) += 1;
    EXPECT_EQ(pivot::attr_string(n, "mode"), "CRD");
    EXPECT_EQ(pivot::attr_string(n, "data_format"), "channels_first");
    EXPECT_EQ(pivot::attr_int(n, "blocksize"), 2);
  }
  EXPECT_EQ(shuffles, 2) << r->dump();
  EXPECT_EQ(unshuffles, 2) << r->dump();
  EXPECT_EQ(r->out_type("shuffle").shape, (std::vector<int64_t>{N, 2, 8, 8}));
}

TEST(BlockShufflePytorchWriter, KerasOrderIsSpelledOutWithoutTransposes) {
  auto r = kr::read(
      "import tensorflow as tf\nfrom tensorflow import keras\nfrom tensorflow.keras import "
      "layers\n\ndef get_model():\n    inputs = keras.Input(shape=(8, 8, 1))\n"
      "    x = layers.Conv2D(9, 3, padding=\"same\")(inputs)\n"
      "    x = tf.nn.depth_to_space(x, 3)\n"
      "    outputs = tf.nn.space_to_depth(x, 3)\n"
      "    return keras.Model(inputs, outputs)\n");
  kr::expect_valid(*r);
  std::string errors;
  const std::string py = to_pytorch(*r->model, &errors);
  // One call per line: the chains are longer than the 100 columns of a line.
  EXPECT_TRUE(contains(py,
                       "        input_layer = (\n"
                       "            input_layer.unflatten(1, (3, 3, -1))\n"
                       "            .permute(0, 3, 4, 1, 5, 2)\n"
                       "            .flatten(4, 5)\n"
                       "            .flatten(2, 3)\n"
                       "        )\n"))
      << py << errors;
  EXPECT_TRUE(contains(py,
                       "            input_layer.unflatten(3, (-1, 3))\n"
                       "            .unflatten(2, (-1, 3))\n"
                       "            .permute(0, 3, 5, 1, 2, 4)\n"
                       "            .flatten(1, 3)\n"))
      << py;
  // The shuffles run on the channels-first tensor the conv leaves: no permute around them.
  EXPECT_FALSE(contains(py, ".permute(0, 2, 3, 1)")) << py;
  EXPECT_FALSE(contains(py, ".permute(0, 3, 1, 2)")) << py;
  EXPECT_FALSE(contains(py, "TODO")) << py;
}

TEST(BlockShufflePytorchWriter, PytorchOrderKeepsPixelShuffle) {
  auto r = pr::read(
      "import torch.nn as nn\nimport torch.nn.functional as F\n\n"
      "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
      "        self.shuffle = nn.PixelShuffle(2)\n\n"
      "    def forward(self, x):\n        return F.pixel_unshuffle(self.shuffle(x), 2)\n",
      [] {
        readers::ReadOptions o;
        o.inputs.push_back(readers::InputSpec{std::vector<int64_t>{N, 8, 4, 4}, std::nullopt});
        return o;
      }());
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  const std::string py = to_pytorch(*r->model);
  EXPECT_TRUE(contains(py, "self.shuffle = nn.PixelShuffle(2)")) << py;
  EXPECT_TRUE(contains(py, "F.pixel_unshuffle(")) << py;
}

TEST(BlockShuffleKerasWriter, PytorchOrderBecomesReshapePermuteReshape) {
  nnport::testing::ModelBuilder b;
  auto x = b.input("x", {N, 4, 5, 18});
  const pivot::Attrs attrs = {{"blocksize", int64_t{3}},
                              {"mode", std::string("CRD")},
                              {"data_format", std::string("channels_last")}};
  b.output(b.node(OpKind::DepthToSpace, "shuffle", {x}, {N, 12, 15, 2}, attrs));
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(b.model, {writers::keras::Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(out.has_value());
  // (H, W, c, i, j) -> (H, i, W, j, c): channel c*9 + i*3 + j lands at row h*3 + i, column w*3 + j.
  EXPECT_TRUE(contains(out->python, "layers.Reshape((4, 5, 2, 3, 3), name=\"shuffle_blocks\")"))
      << out->python;
  EXPECT_TRUE(contains(out->python, "layers.Permute((1, 4, 2, 5, 3), name=\"shuffle_permute\")"))
      << out->python;
  EXPECT_TRUE(contains(out->python, "layers.Reshape((12, 15, 2), name=\"shuffle\")"))
      << out->python;
  EXPECT_FALSE(out->partial);
}

TEST(BlockShuffleKerasWriter, TensorFlowOrderUsesTfNnUnderTfKeras) {
  nnport::testing::ModelBuilder b;
  auto x = b.input("x", {N, 4, 5, 8});
  const pivot::Attrs attrs = {{"blocksize", int64_t{2}},
                              {"mode", std::string("DCR")},
                              {"data_format", std::string("channels_last")}};
  b.output(b.node(OpKind::DepthToSpace, "@d2s", {x}, {N, 8, 10, 2}, attrs));
  DiagnosticEngine diags;
  auto tf = writers::keras::write_keras(b.model, {writers::keras::Api::TfKeras, "net.py"}, diags);
  ASSERT_TRUE(tf.has_value());
  EXPECT_TRUE(contains(tf->python, "tf.nn.depth_to_space(")) << tf->python;
  EXPECT_TRUE(contains(tf->config.dump(), "\"nn.depth_to_space\"")) << tf->config.dump(1);
  // Keras 3 cannot call tf functions on KerasTensors: layers again, in TensorFlow's order.
  auto k3 = writers::keras::write_keras(b.model, {writers::keras::Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(k3.has_value());
  EXPECT_TRUE(contains(k3->python, "layers.Reshape((4, 5, 2, 2, 2)")) << k3->python;
  EXPECT_TRUE(contains(k3->python, "layers.Permute((1, 3, 2, 4, 5)")) << k3->python;
}

TEST(BlockShuffleKerasWriter, RunTimeImageSizeIsReported) {
  nnport::testing::ModelBuilder b;
  auto x = b.input("x", {N, pivot::kUnknown, pivot::kUnknown, 8});
  const pivot::Attrs attrs = {{"blocksize", int64_t{2}},
                              {"mode", std::string("CRD")},
                              {"data_format", std::string("channels_last")}};
  b.output(b.node(OpKind::DepthToSpace, "shuffle", {x}, {N, pivot::kUnknown, pivot::kUnknown, 2},
                  attrs));
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(b.model, {writers::keras::Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->partial);
  bool reported = false;
  for (const auto& d : diags.diagnostics())
    reported = reported || contains(d.message, "static height, width and channels");
  EXPECT_TRUE(reported);
}

TEST(BlockShufflePytorchWriter, ShortChainsStayOnOneLine) {
  EXPECT_EQ(writers::pytorch::wrap_statement(
                "x", "x.unflatten(1, (2, 2, -1)).permute(0, 3, 4, 1, 5, 2).flatten(4, 5)", 8),
            "        x = x.unflatten(1, (2, 2, -1)).permute(0, 3, 4, 1, 5, 2).flatten(4, 5)");
}
