// Keras initializers (conventions row 16): the reader records each parameter's rule (the explicit
// argument or Keras' default, with Keras' fans), the PyTorch writer reproduces it in
// reset_parameters(). The statistics of the generated code are checked in real PyTorch by
// tests/equivalence/keras/init_stats.py.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"
#include "passes/layout_planning.h"
#include "pivot/serialize.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::Distribution;
using pivot::FanMode;
using pivot::InitKind;

namespace {

std::unique_ptr<ReadResult> functional(const std::string& input, const std::string& body,
                                       const std::string& dtype = "float32") {
  return read(
      "import keras\nfrom keras import initializers, layers\n\ndef model():\n"
      "    x = keras.Input(shape=" +
      input + ", dtype=\"" + dtype + "\")\n    inputs = x\n" + body +
      "    return keras.Model(inputs, x)\n");
}

struct Written {
  std::string python;
  std::string diagnostics;
};

Written write(const ReadResult& r) {
  pivot::Model model = *r.model;
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::plan_channels_first(model, diags));
  auto out = writers::pytorch::write_pytorch(model, {"net.py"}, diags);
  Written w;
  for (const auto& d : diags.diagnostics()) w.diagnostics += format_diagnostic(d) + "\n";
  if (out) w.python = out->python;
  return w;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(KerasInitializersReader, DefaultsAreKerasOnesWithKerasFans) {
  auto r = functional("(8, 8, 3)",
                      "    x = layers.Conv2D(4, 3)(x)\n"
                      "    x = layers.DepthwiseConv2D(3, depth_multiplier=2)(x)\n"
                      "    x = layers.BatchNormalization()(x)\n"
                      "    x = layers.Flatten()(x)\n"
                      "    x = layers.Dense(5)(x)\n");
  expect_valid(*r);
  const auto& kernel = r->param("conv2d", "weight").init;
  EXPECT_EQ(kernel.kind, InitKind::VarianceScaling);
  EXPECT_EQ(kernel.mode, FanMode::Avg);
  EXPECT_EQ(kernel.distribution, Distribution::Uniform);
  EXPECT_EQ(kernel.numbers, std::vector<double>{1.0});
  EXPECT_EQ(kernel.fan_in, 27);  // (3, 3, 3, 4): 3 * 9
  EXPECT_EQ(kernel.fan_out, 36);
  EXPECT_EQ(r->param("conv2d", "bias").init.kind, InitKind::Zeros);
  // DepthwiseConv2D's kernel (3, 3, 4, 2): Keras' fans, not those of PyTorch's (8, 1, 3, 3).
  const auto& depthwise = r->param("depthwise_conv2d", "weight").init;
  EXPECT_EQ(depthwise.fan_in, 36);
  EXPECT_EQ(depthwise.fan_out, 18);
  EXPECT_EQ(r->param("batch_normalization", "weight").init.kind, InitKind::Ones);
  EXPECT_EQ(r->param("batch_normalization", "running_var").init.kind, InitKind::Ones);
  EXPECT_EQ(r->param("batch_normalization", "running_mean").init.kind, InitKind::Zeros);
  EXPECT_EQ(r->param("dense", "weight").init.fan_in, 4 * 4 * 8);
}

TEST(KerasInitializersReader, ExplicitStringsAndObjectsKeepTheirNumbers) {
  auto r = functional(
      "(6,)",
      "    x = layers.Dense(4, kernel_initializer='he_normal', bias_initializer='ones')(x)\n"
      "    x = layers.Dense(4, kernel_initializer=initializers.RandomNormal(stddev=0.02),\n"
      "                     bias_initializer=initializers.Constant(0.1))(x)\n"
      "    x = layers.Dense(4, kernel_initializer=keras.initializers.VarianceScaling(\n"
      "        2.0, mode='fan_out', distribution='uniform'))(x)\n"
      "    x = layers.Dense(4, kernel_initializer=initializers.TruncatedNormal(0.0, 0.1))(x)\n");
  expect_valid(*r);
  const auto& he = r->param("dense", "weight").init;
  EXPECT_EQ(he.kind, InitKind::VarianceScaling);
  EXPECT_EQ(he.numbers, std::vector<double>{2.0});
  EXPECT_EQ(he.mode, FanMode::In);
  EXPECT_EQ(he.distribution, Distribution::TruncatedNormal);
  EXPECT_EQ(pivot::describe(he), "he_normal");
  EXPECT_EQ(r->param("dense", "bias").init.kind, InitKind::Ones);
  const auto& normal = r->param("dense_1", "weight").init;
  EXPECT_EQ(normal.kind, InitKind::RandomNormal);
  EXPECT_EQ(normal.numbers, (std::vector<double>{0.0, 0.02}));
  EXPECT_EQ(r->param("dense_1", "bias").init.numbers, std::vector<double>{0.1});
  const auto& scaled = r->param("dense_2", "weight").init;
  EXPECT_EQ(scaled.numbers, std::vector<double>{2.0});
  EXPECT_EQ(scaled.mode, FanMode::Out);
  EXPECT_EQ(scaled.distribution, Distribution::Uniform);
  EXPECT_EQ(r->param("dense_3", "weight").init.numbers, (std::vector<double>{0.0, 0.1}));
}

TEST(KerasInitializersReader, RecurrentKernelsAndTheForgetGateBias) {
  auto r = functional("(5, 3)",
                      "    x = layers.LSTM(4, return_sequences=True)(x)\n"
                      "    x = layers.LSTM(4, unit_forget_bias=False)(x)\n");
  expect_valid(*r);
  const auto& kernel = r->param("lstm", "weight_ih_l0").init;
  EXPECT_EQ(kernel.fan_in, 3);  // Keras' whole (3, 16) kernel
  EXPECT_EQ(kernel.fan_out, 16);
  EXPECT_EQ(r->param("lstm", "weight_hh_l0").init.kind, InitKind::Orthogonal);
  const auto& bias = r->param("lstm", "bias_ih_l0").init;
  EXPECT_EQ(bias.kind, InitKind::Zeros);
  EXPECT_EQ(bias.blocks, 4);
  EXPECT_EQ(bias.ones_block, 1);
  EXPECT_EQ(r->param("lstm_1", "bias_ih_l0").init.blocks, 0);
}

TEST(KerasInitializersReader, EmbeddingAttentionAndAddWeight) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n"
      "class Scale(layers.Layer):\n"
      "    def build(self, input_shape):\n"
      "        self.w = self.add_weight(shape=(input_shape[-1], 3))\n"
      "        self.b = self.add_weight(shape=(3,), initializer='zeros')\n"
      "    def call(self, x):\n"
      "        return x @ self.w + self.b\n\n"
      "def model():\n"
      "    ids = keras.Input(shape=(6,), dtype='int32')\n"
      "    x = layers.Embedding(50, 16)(ids)\n"
      "    x = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)\n"
      "    return keras.Model(ids, Scale()(x))\n");
  expect_valid(*r);
  const auto& embeddings = r->param("embedding", "weight").init;
  EXPECT_EQ(embeddings.kind, InitKind::RandomUniform);
  EXPECT_EQ(embeddings.numbers, (std::vector<double>{-0.05, 0.05}));
  // The query kernel (16, 2, 8): fan_in 2 * 16, fan_out 8 * 16 (Keras' compute_fans).
  const auto& query = r->param("multi_head_attention", "query_weight").init;
  EXPECT_EQ(query.fan_in, 32);
  EXPECT_EQ(query.fan_out, 128);
  const auto& g = r->graph();
  std::vector<InitKind> kinds;
  for (const auto& p : g.params)
    if (p.name.find("scale") != std::string::npos) kinds.push_back(p.init.kind);
  EXPECT_EQ(kinds, (std::vector<InitKind>{InitKind::VarianceScaling, InitKind::Zeros}));
}

TEST(KerasInitializersReader, AnInitializerItCannotReadIsReportedNotGuessed) {
  auto r = functional("(6,)", "    x = layers.Dense(4, kernel_initializer=my_init)(x)\n");
  ASSERT_TRUE(r->model);
  EXPECT_TRUE(r->has(Code::TrainingOnly)) << r->dump();
  EXPECT_FALSE(r->param("dense", "weight").init.known());
  EXPECT_EQ(r->param("dense", "bias").init.kind, InitKind::Zeros);
}

TEST(KerasInitializersReader, TheRuleSurvivesTheJsonForm) {
  auto r = functional("(5, 3)", "    x = layers.LSTM(4, kernel_initializer='he_uniform')(x)\n");
  expect_valid(*r);
  std::string error;
  auto back = pivot::model_from_json(pivot::to_json(*r->model), error);
  ASSERT_TRUE(back) << error;
  const auto& before = r->graph().params;
  const auto& after = back->entry_module().graph.params;
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(before[i].init, after[i].init) << i;
}

TEST(KerasInitializersWriter, SharedRulesAreOneLoopOverModuleTypes) {
  auto r = functional("(8, 8, 3)",
                      "    x = layers.Conv2D(4, 3)(x)\n"
                      "    x = layers.BatchNormalization()(x)\n"
                      "    x = layers.Flatten()(x)\n"
                      "    x = layers.Dense(5)(x)\n");
  expect_valid(*r);
  const auto w = write(*r);
  EXPECT_TRUE(
      contains(w.python, "        self.reset_parameters()\n\n    def reset_parameters(self):\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python,
                       "        for module in self.modules():\n"
                       "            if isinstance(module, (nn.Conv2d, nn.Linear)):\n"
                       "                nn.init.xavier_uniform_(module.weight)  # glorot_uniform\n"
                       "                nn.init.zeros_(module.bias)\n"))
      << w.python;
  // BatchNorm's ones and zeros are PyTorch's defaults already.
  EXPECT_FALSE(contains(w.python, "batch_normalization.weight")) << w.python;
  EXPECT_TRUE(w.diagnostics.empty()) << w.diagnostics;
}

TEST(KerasInitializersWriter, KerasOnlyLawsAndFansAreWrittenOut) {
  auto r = functional("(8, 8, 3)",
                      "    x = layers.DepthwiseConv2D(3, depth_multiplier=2, use_bias=False)(x)\n"
                      "    x = layers.Conv2D(4, 3, kernel_initializer='he_normal')(x)\n"
                      "    x = layers.Flatten()(x)\n"
                      "    x = layers.Dense(5, kernel_initializer='he_uniform')(x)\n");
  expect_valid(*r);
  const auto w = write(*r);
  // glorot_uniform with Keras' fans (27, 18) of the (3, 3, 3, 2) kernel: sqrt(6 / 45).
  EXPECT_TRUE(contains(w.python,
                       "        # glorot_uniform\n"
                       "        nn.init.uniform_(self.depthwise_conv2d.weight, -0.365148371670111, "
                       "0.365148371670111)\n"))
      << w.python;
  // he_normal: Keras' truncated normal, stddev sqrt(2 / 54) / .87962566103423978, cut at 2.
  EXPECT_TRUE(
      contains(w.python,
               "        # he_normal\n"
               "        nn.init.trunc_normal_(\n"
               "            self.conv2d.weight, std=0.218786352257616, a=-0.437572704515231, "
               "b=0.437572704515231\n"
               "        )\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python,
                       "nn.init.kaiming_uniform_(self.dense.weight, "
                       "nonlinearity=\"relu\")  # he_uniform"))
      << w.python;
}

TEST(KerasInitializersWriter, RecurrentLayersGetOrthogonalAndTheForgetGate) {
  auto r = functional("(5, 3)", "    x = layers.LSTM(4)(x)\n");
  expect_valid(*r);
  const auto w = write(*r);
  EXPECT_TRUE(contains(w.python, "        nn.init.xavier_uniform_(self.lstm.weight_ih_l0)"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "        nn.init.orthogonal_(self.lstm.weight_hh_l0)\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python,
                       "        nn.init.zeros_(self.lstm.bias_ih_l0)\n"
                       "        nn.init.ones_(self.lstm.bias_ih_l0[4:8])"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "        nn.init.zeros_(self.lstm.bias_hh_l0)\n")) << w.python;
}

TEST(KerasInitializersWriter, NoMethodWhenPyTorchsDefaultsAgree) {
  auto r = functional("(6,)", "    x = layers.LayerNormalization()(x)\n");
  expect_valid(*r);
  const auto w = write(*r);
  EXPECT_FALSE(contains(w.python, "reset_parameters")) << w.python;
}

TEST(KerasInitializersWriter, ARuleTorchCannotExpressIsReported) {
  auto r = functional("(8, 8, 3)",
                      "    x = layers.DepthwiseConv2D(3, depthwise_initializer='orthogonal')(x)\n");
  expect_valid(*r);
  const auto w = write(*r);
  EXPECT_TRUE(contains(w.diagnostics, "training-convention")) << w.diagnostics;
  EXPECT_FALSE(contains(w.python, "orthogonal_")) << w.python;
}

}  // namespace
