// Keras semantics of issue 4: Embedding(mask_zero=True) read by recurrent layers (pivot
// mask_input; conventions row 13), keras.ops.tensordot, keras.initializers.get and a
// keras.Model subclass overriding train_step built as a Functional model.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"
#include "passes/layout_planning.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

namespace {

std::unique_ptr<ReadResult> ids_model(const std::string& body) {
  return read(
      "import keras\nfrom keras import layers\n\ndef model():\n"
      "    ids = keras.Input(shape=(7,), dtype='int32')\n"
      "    x = layers.Embedding(20, 4, mask_zero=True)(ids)\n" +
      body + "    return keras.Model(ids, x)\n");
}

const pivot::Node* first(const ReadResult& r, OpKind kind) {
  for (const auto& n : r.graph().nodes)
    if (n.kind == kind) return &n;
  return nullptr;
}

std::string pytorch(const ReadResult& r) {
  pivot::Model model = *r.model;
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::plan_channels_first(model, diags));
  auto out = writers::pytorch::write_pytorch(model, {"net.py"}, diags);
  return out ? out->python : std::string();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(KerasMasks, RecurrencesReadTheEmbeddingMask) {
  auto r = ids_model(
      "    x = layers.Dropout(0.2)(x)\n"
      "    x = layers.Bidirectional(layers.GRU(3, return_sequences=True))(x)\n"
      "    x = layers.LSTM(2, return_sequences=True)(x)\n");
  expect_valid(*r);
  std::vector<const pivot::Node*> recurrent;
  for (const auto& n : r->graph().nodes)
    if (n.kind == OpKind::Gru || n.kind == OpKind::Lstm) recurrent.push_back(&n);
  ASSERT_EQ(recurrent.size(), 2u);
  // Both read the same `ids == 0` mask, last; Bidirectional zeroes masked outputs.
  for (const auto* n : recurrent) {
    EXPECT_TRUE(pivot::attr_bool(*n, "mask_input")) << n->name;
    EXPECT_EQ(n->inputs.back(), recurrent[0]->inputs.back());
  }
  EXPECT_EQ(pivot::attr_string(*recurrent[0], "masked_outputs"), "zero");
  EXPECT_EQ(pivot::attr_string(*recurrent[1], "masked_outputs"), "carry");
  const pivot::Node* mask = first(*r, OpKind::Equal);
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->outputs[0], recurrent[0]->inputs.back());

  const std::string py = pytorch(*r);
  EXPECT_TRUE(contains(py, "def unmasked_steps_first(x, padding_mask):")) << py;
  EXPECT_TRUE(contains(py, "enforce_sorted=False")) << py;
  EXPECT_TRUE(contains(py, "carry=False)")) << py;
  EXPECT_TRUE(contains(py, "carry=True)")) << py;
}

TEST(KerasMasks, MaskAfterALayerThatDropsItIsReported) {
  auto r = ids_model(
      "    x = layers.Conv1D(4, 3, padding='same')(x)\n"
      "    x = layers.LSTM(2)(x)\n");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument)) << r->dump();
}

TEST(KerasTensordot, IntegerAndListAxes) {
  auto r = read(
      "import keras\nfrom keras import layers, ops\n\ndef model():\n"
      "    a = keras.Input(shape=(3, 4))\n"
      "    b = keras.Input(shape=(4,))\n"
      "    s = ops.tensordot(layers.Dense(5)(b), layers.Dense(5)(b), 2)\n"
      "    t = ops.tensordot(a, b, axes=[[2], [1]])\n"
      "    return keras.Model([a, b], [s, t])\n");
  expect_valid(*r);
  std::vector<const pivot::Node*> dots;
  for (const auto& n : r->graph().nodes)
    if (n.kind == OpKind::Tensordot) dots.push_back(&n);
  ASSERT_EQ(dots.size(), 2u);
  EXPECT_EQ(pivot::attr_ints(*dots[0], "axes_a"), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(pivot::attr_ints(*dots[0], "axes_b"), (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(r->graph().values[dots[0]->outputs[0]].type.shape.empty());
  EXPECT_EQ(r->graph().values[dots[1]->outputs[0]].type.shape,
            (std::vector<int64_t>{pivot::kBatch, 3, pivot::kBatch}));
  const std::string py = pytorch(*r);
  EXPECT_TRUE(contains(py, ", dims=2)")) << py;
  EXPECT_TRUE(contains(py, ", dims=([2], [1]))")) << py;
}

TEST(KerasInitializersGet, NamesAndObjectsPassThrough) {
  auto r = read(
      "import keras\nfrom keras import layers, ops\n\n"
      "class Scale(layers.Layer):\n"
      "    def __init__(self, initializer='he_normal', **kwargs):\n"
      "        super().__init__(**kwargs)\n"
      "        self.initializer = keras.initializers.get(initializer)\n"
      "    def build(self, input_shape):\n"
      "        self.w = self.add_weight(shape=(input_shape[-1], 2), initializer=self.initializer)\n"
      "    def call(self, x):\n"
      "        return ops.matmul(x, self.w)\n\n"
      "def model():\n"
      "    x = keras.Input(shape=(3,))\n"
      "    return keras.Model(x, Scale()(Scale(keras.initializers.Zeros())(x)))\n",
      {});
  expect_valid(*r);
  std::vector<std::string> rules;
  for (const auto& p : r->graph().params) rules.push_back(p.init.source_name);
  ASSERT_EQ(rules.size(), 2u) << r->dump();
  EXPECT_EQ(rules[0], "zeros");
  EXPECT_EQ(rules[1], "he_normal");
}

TEST(KerasTrainStepModel, AFunctionalSubclassIsItsNetwork) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n"
      "class CustomModel(keras.Model):\n"
      "    def train_step(self, data):\n"
      "        return {}\n\n"
      "inputs = keras.Input(shape=(4,))\n"
      "outputs = layers.Dense(2)(inputs)\n"
      "model = CustomModel(inputs, outputs)\n");
  ASSERT_TRUE(r->model) << r->dump();
  EXPECT_NE(first(*r, OpKind::Linear), nullptr);
  EXPECT_TRUE(r->has(Code::ScriptUnsupported, 5)) << r->dump();
  EXPECT_FALSE(r->has(Code::NoModelFound)) << r->dump();
}

}  // namespace
