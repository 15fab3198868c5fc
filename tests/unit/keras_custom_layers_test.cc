// Keras layers torch.nn has no class for (GRU(reset_after=False), LSTM / GRU activations other
// than tanh / sigmoid, MultiHeadAttention with free per-head widths) and layers held in dicts:
// what the Keras reader makes of them, and the classes the PyTorch writer writes for them.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "keras_reader_test_util.h"
#include "passes/pipeline.h"
#include "passes/shape_inference.h"
#include "writers/keras/writer.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

namespace {

std::unique_ptr<ReadResult> functional(const std::string& input_shape, const std::string& body,
                                       const std::string& import = "import keras") {
  return read(import + "\nfrom keras import layers\n\ndef model():\n    x = keras.Input(shape=" +
              input_shape + ")\n    inputs = x\n" + body + "    return keras.Model(inputs, x)\n");
}

struct Migrated {
  std::string python;
  pivot::WeightPlan plan;
  bool partial = false;
  std::string diagnostics;
};

// Keras source (already read) -> PyTorch module text and weight plan.
Migrated to_pytorch(ReadResult& r) {
  Migrated m;
  if (!r.model) return m;
  EXPECT_TRUE(passes::prepare_for_channels_first(*r.model, r.diags)) << r.dump();
  auto out = writers::pytorch::write_pytorch(*r.model, {"model.py"}, r.diags);
  EXPECT_TRUE(out.has_value()) << r.dump();
  if (out) {
    m.python = out->python;
    m.plan = out->weights;
    m.partial = out->partial;
  }
  m.diagnostics = r.dump();
  return m;
}

// `text` without whitespace and without the trailing commas of wrapped calls, so that
// expectations do not depend on line wrapping.
std::string squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '\n') continue;
    if (c == ')' && !out.empty() && out.back() == ',') out.pop_back();
    out.push_back(c);
  }
  return out;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

bool python_parses(const std::string& code) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nnport_keras_custom_layers_" + std::to_string(::getpid()) + ".py");
  std::ofstream(path) << code;
  const std::string command =
      "/usr/bin/python3 -c \"import ast,sys; ast.parse(open(sys.argv[1]).read())\" " +
      path.string();
  const int status = std::system(command.c_str());
  std::filesystem::remove(path);
  return status == 0;
}

// The state_dict key the plan gives the parameter named `param`, or "(none)".
std::string key_of(const Migrated& m, const ReadResult& r, const std::string& param) {
  for (const auto& slot : m.plan.slots)
    if (!slot.zeros && r.graph().params[slot.param].name == param) return slot.target_name;
  return "(none)";
}

bool zero_slot(const Migrated& m, const std::string& key) {
  for (const auto& slot : m.plan.slots)
    if (slot.target_name == key) return slot.zeros;
  return false;
}

}  // namespace

TEST(KerasCustomLayers, GruResetBeforeKeepsOneInputBiasInGateOrder) {
  auto r = functional("(7, 3)", "    x = layers.GRU(4, reset_after=False)(x)\n");
  expect_valid(*r);
  const auto& gru = r->node("gru");
  EXPECT_FALSE(pivot::attr_bool(gru, "reset_after"));
  const auto& bias = r->param("gru", "bias_ih_l0");
  EXPECT_EQ(bias.shape, (Shape{12}));
  EXPECT_TRUE(bias.stored_shape.empty());  // (3H,), not reset_after=True's (2, 3H)
  EXPECT_FALSE(bias.source_slice.has_value());
  EXPECT_EQ(bias.block_order, (std::vector<int64_t>{1, 0, 2}));  // Keras z, r, h -> r, z, n
  EXPECT_EQ(bias.name, "layers/gru/cell/vars/2");
  EXPECT_EQ(gru.params.count("bias_hh_l0"), 0u);
}

TEST(KerasCustomLayers, RecurrentActivationsBecomeAttributes) {
  auto r =
      functional("(7, 3)",
                 "    x = layers.LSTM(5, activation='relu', recurrent_activation='hard_sigmoid',"
                 " return_sequences=True)(x)\n"
                 "    x = layers.GRU(3, activation=None, recurrent_activation='swish')(x)\n");
  expect_valid(*r);
  EXPECT_EQ(pivot::attr_string(r->node("lstm"), "activation"), "relu");
  EXPECT_EQ(pivot::attr_string(r->node("lstm"), "recurrent_activation"), "hard_sigmoid");
  EXPECT_EQ(pivot::attr_string(r->node("gru"), "activation"), "linear");
  EXPECT_EQ(pivot::attr_string(r->node("gru"), "recurrent_activation"), "silu");
  EXPECT_TRUE(pivot::attr_bool(r->node("gru"), "reset_after"));
}

TEST(KerasCustomLayers, UnknownRecurrentActivationsAreReported) {
  auto unknown = functional("(7, 3)", "    x = layers.LSTM(5, activation='tanhshrink')(x)\n");
  EXPECT_TRUE(unknown->has(Code::UnsupportedArgument, 7)) << unknown->dump();
  // tf.keras <= 2.15's hard_sigmoid is clip(0.2x + 0.5), not the catalog's relu6(x + 3) / 6.
  auto tf = read(
      "import tensorflow as tf\n\nmodel = tf.keras.Sequential([\n"
      "    tf.keras.layers.LSTM(4, recurrent_activation='hard_sigmoid', input_shape=(5, 2)),\n"
      "])\n");
  EXPECT_TRUE(tf->has(Code::UnsupportedArgument, 4)) << tf->dump();
}

TEST(KerasCustomLayers, CatalogRejectsUnknownActivation) {
  auto r = functional("(7, 3)", "    x = layers.LSTM(5)(x)\n");
  expect_valid(*r);
  pivot::Graph g = r->graph();
  for (auto& n : g.nodes)
    if (n.kind == OpKind::Lstm) n.attrs["activation"] = std::string("tanhshrink");
  bool rejected = false;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    std::string error;
    if (g.nodes[i].kind == OpKind::Lstm && !passes::infer_node(g, i, error))
      rejected = error.find("tanhshrink") != std::string::npos;
  }
  EXPECT_TRUE(rejected);
}

TEST(KerasCustomLayers, KerasGruClassIsWrittenOnceAndNamedLikeNnGru) {
  auto r = functional("(9, 3)",
                      "    x = layers.GRU(10, reset_after=False, return_sequences=True)(x)\n"
                      "    x = layers.GRU(6, reset_after=False)(x)\n"
                      "    x = layers.Reshape((1, 6))(x)\n"
                      "    x = layers.LSTM(2)(x)\n");
  expect_valid(*r);
  const Migrated m = to_pytorch(*r);
  EXPECT_FALSE(m.partial) << m.diagnostics;
  EXPECT_EQ(count(m.python, "class KerasRecurrentLayer(nn.Module):"), 1u) << m.python;
  EXPECT_EQ(count(m.python, "class KerasGRU(KerasRecurrentLayer):"), 1u) << m.python;
  EXPECT_EQ(count(m.python, "class KerasLSTM("), 0u) << m.python;  // the LSTM is a plain nn.LSTM
  EXPECT_NE(squeezed(m.python).find("self.gru=KerasGRU(3,10,reset_after=False,activation="
                                    "torch.tanh,recurrent_activation=torch.sigmoid)"),
            std::string::npos)
      << m.python;
  EXPECT_NE(m.python.find("nn.LSTM(6, 2, batch_first=True)"), std::string::npos) << m.python;
  // The classes come before the model that uses them.
  EXPECT_LT(m.python.find("class KerasGRU("), m.python.find("class Net(nn.Module)")) << m.python;
  EXPECT_EQ(key_of(m, *r, "layers/gru/cell/vars/0"), "gru.weight_ih_l0");
  EXPECT_EQ(key_of(m, *r, "layers/gru/cell/vars/2"), "gru.bias_ih_l0");
  EXPECT_TRUE(zero_slot(m, "gru.bias_hh_l0"));  // Keras' single bias is the input bias
  EXPECT_TRUE(python_parses(m.python)) << m.python;
}

TEST(KerasCustomLayers, LstmActivationsAreWrittenAsFunctions) {
  auto r = functional("(8, 5)",
                      "    x = layers.Bidirectional(layers.LSTM(6, activation='relu', "
                      "recurrent_activation='hard_sigmoid', use_bias=False))(x)\n");
  expect_valid(*r);
  const Migrated m = to_pytorch(*r);
  EXPECT_FALSE(m.partial) << m.diagnostics;
  EXPECT_NE(squeezed(m.python).find("KerasLSTM(5,6,bias=False,bidirectional=True,activation="
                                    "torch.relu,recurrent_activation=F.hardsigmoid)"),
            std::string::npos)
      << m.python;
  EXPECT_NE(m.python.find("import torch.nn.functional as F\n"), std::string::npos);
  EXPECT_EQ(key_of(m, *r, "layers/bidirectional/backward_layer/cell/vars/1"),
            "bidirectional.weight_hh_l0_reverse");
  EXPECT_TRUE(python_parses(m.python)) << m.python;
}

TEST(KerasCustomLayers, AttentionWithValueDimGetsExplicitProjections) {
  auto r = functional(
      "(5, 6)",
      "    x = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=3, output_shape=4)"
      "(x, x, use_causal_mask=True)\n");
  expect_valid(*r);
  const auto& n = r->node("multi_head_attention");
  EXPECT_EQ(pivot::attr_int(n, "key_dim"), 2);
  EXPECT_EQ(pivot::attr_int(n, "value_dim"), 3);
  EXPECT_EQ(pivot::attr_int(n, "output_dim"), 4);
  EXPECT_EQ(r->out_type("multi_head_attention").shape, (Shape{N, 5, 4}));
  const auto& value = r->param("multi_head_attention", "value_weight");
  EXPECT_EQ(value.shape, (Shape{9, 6}));
  EXPECT_EQ(value.stored_shape, (Shape{6, 3, 3}));  // EinsumDense (in, heads, value_dim)
  const auto& output = r->param("multi_head_attention", "output_weight");
  EXPECT_EQ(output.shape, (Shape{4, 9}));
  EXPECT_EQ(output.stored_shape, (Shape{3, 3, 4}));  // (heads, value_dim, out)
  EXPECT_EQ(r->param("multi_head_attention", "query_bias").stored_shape, (Shape{3, 2}));

  const Migrated m = to_pytorch(*r);
  EXPECT_FALSE(m.partial) << m.diagnostics;
  EXPECT_NE(m.python.find("self.multi_head_attention = KerasMultiHeadAttention(6, 3, 2, 3, "
                          "output_dim=4)"),
            std::string::npos)
      << m.python;
  EXPECT_NE(squeezed(m.python).find("input_layer,input_layer,input_layer,attn_mask=causal_mask)"),
            std::string::npos)
      << m.python;
  EXPECT_EQ(m.python.find("need_weights"), std::string::npos) << m.python;
  EXPECT_EQ(key_of(m, *r, "layers/multi_head_attention/value_dense/vars/0"),
            "multi_head_attention.v_proj.weight");
  EXPECT_EQ(key_of(m, *r, "layers/multi_head_attention/output_dense/vars/1"),
            "multi_head_attention.out_proj.bias");
  EXPECT_TRUE(python_parses(m.python)) << m.python;
}

TEST(KerasCustomLayers, AttentionThatFitsStaysNnMultiheadAttention) {
  auto r =
      functional("(5, 8)", "    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)\n");
  expect_valid(*r);
  const Migrated m = to_pytorch(*r);
  EXPECT_NE(m.python.find("nn.MultiheadAttention(8, 2, batch_first=True)"), std::string::npos)
      << m.python;
  EXPECT_EQ(m.python.find("class KerasMultiHeadAttention"), std::string::npos) << m.python;
}

TEST(KerasCustomLayers, KerasWriterWritesValueDimAndOutputShape) {
  auto r = functional(
      "(5, 6)",
      "    x = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=3, output_shape=4)"
      "(x, x)\n");
  expect_valid(*r);
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(*r->model, {writers::keras::Api::Keras3, "m.py"}, diags);
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(squeezed(out->python).find("key_dim=2,value_dim=3,dropout=0.0,output_shape=4"),
            std::string::npos)
      << out->python;
}

TEST(KerasCustomLayers, LayersInADictAreSavedUnderTheirClassNames) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n\n"
      "class Net(keras.Model):\n"
      "    def __init__(self):\n"
      "        super().__init__()\n"
      "        self.heads = {'b': layers.Dense(3), 'a': layers.Dense(3)}\n"
      "        self.heads['c'] = layers.LayerNormalization()\n"
      "        self.blocks = {}\n"
      "        for name in ['x', 'y']:\n"
      "            self.blocks[name] = layers.Dense(4)\n"
      "\n"
      "    def call(self, x):\n"
      "        for key, block in self.blocks.items():\n"
      "            x = block(x)\n"
      "        x = self.heads['b'](x) + self.heads['a'](x)\n"
      "        for name in self.heads:\n"
      "            if name == 'c':\n"
      "                x = self.heads[name](x)\n"
      "        return x\n",
      with_input({N, 4}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  // Keras saves a dict's values in insertion order as a container (saving_lib
  // _save_container_state); attributes in sorted order: blocks, heads.
  EXPECT_EQ(r->param("dense_2", "weight").name, "blocks/dense/vars/0");
  EXPECT_EQ(r->param("dense_3", "weight").name, "blocks/dense_1/vars/0");
  EXPECT_EQ(r->param("dense", "weight").name, "heads/dense/vars/0");
  EXPECT_EQ(r->param("dense_1", "weight").name, "heads/dense_1/vars/0");
  EXPECT_EQ(r->param("layer_normalization", "weight").name, "heads/layer_normalization/vars/0");
}

TEST(KerasCustomLayers, MissingDictKeyIsReported) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n\n"
      "class Net(keras.Model):\n"
      "    def __init__(self):\n"
      "        super().__init__()\n"
      "        self.heads = {'a': layers.Dense(3)}\n"
      "\n"
      "    def call(self, x):\n"
      "        return self.heads['b'](x)\n",
      with_input({N, 4}));
  EXPECT_TRUE(r->has(Code::UnknownName, 11)) << r->dump();
}
