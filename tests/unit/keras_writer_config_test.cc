// Keras writer: the JSON config (tf.keras 2.x `to_json()` format) rendered from the same
// records as the Python, for Sequential and functional models, shared layers and TFOpLambda.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "pivot/ops/catalog.h"
#include "writers/keras/writer.h"

#include "keras_model_builder.h"

namespace {

using nnport::testing::ModelBuilder;
using namespace nnport;
using namespace nnport::pivot;
using nlohmann::json;
using nnport::writers::keras::Api;

writers::keras::KerasOutput write(const Model& model, Api api = Api::Keras3) {
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(model, {api, "net.py"}, diags);
  EXPECT_TRUE(out.has_value());
  return out ? *out : writers::keras::KerasOutput{};
}

// When NNPORT_KERAS_JSON_DIR is set, keeps the config for loading in TensorFlow.js by hand.
void dump(const std::string& name, const json& config) {
  if (const char* dir = std::getenv("NNPORT_KERAS_JSON_DIR"))
    std::ofstream(std::string(dir) + "/" + name + ".json") << config.dump(1);
}

Attrs conv_attrs(int64_t in, int64_t out, std::vector<int64_t> pads,
                 std::vector<int64_t> stride = {}) {
  return {{"in_channels", in},
          {"out_channels", out},
          {"kernel_size", std::vector<int64_t>{3, 3}},
          {"pads", std::move(pads)},
          {"stride", std::move(stride)},
          {"data_format", std::string("channels_last")}};
}

TEST(KerasWriterConfig, SequentialHasInputLayerAndArguments) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 6, 6, 2});
  auto c = b.node(OpKind::Conv, "conv", {x}, {kBatch, 6, 6, 4}, conv_attrs(2, 4, {1, 1, 1, 1}));
  auto n = b.node(OpKind::BatchNorm, "bn", {c}, {kBatch, 6, 6, 4},
                  {{"num_features", int64_t{4}}, {"axis", int64_t{3}}});
  auto l = b.node(OpKind::LeakyRelu, "act", {n}, {kBatch, 6, 6, 4}, {{"negative_slope", 0.2}});
  auto f = b.node(OpKind::Flatten, "flatten", {l}, {kBatch, 144});
  auto y = b.node(OpKind::Linear, "fc", {f}, {kBatch, 3},
                  {{"in_features", int64_t{144}}, {"out_features", int64_t{3}}});
  b.output(y);
  const auto out = write(b.model);
  dump("sequential", out.config);
  const json& config = out.config;
  EXPECT_EQ(config["class_name"], "Sequential");
  const json& layers = config["config"]["layers"];
  ASSERT_EQ(layers.size(), 6u);
  EXPECT_EQ(layers[0]["class_name"], "InputLayer");
  EXPECT_EQ(layers[0]["config"]["batch_input_shape"], json::parse("[null, 6, 6, 2]"));
  EXPECT_EQ(layers[1]["config"]["padding"], "same");
  EXPECT_EQ(layers[1]["config"]["kernel_size"], json::parse("[3, 3]"));
  EXPECT_EQ(layers[2]["config"]["momentum"], 0.9);
  EXPECT_EQ(layers[2]["config"]["epsilon"], 1e-5);
  EXPECT_EQ(layers[2]["config"]["axis"], -1);
  EXPECT_EQ(layers[3]["class_name"], "LeakyReLU");
  EXPECT_EQ(layers[3]["config"]["alpha"], 0.2);  // tf.keras spelling, whatever the Python API
  EXPECT_EQ(layers[5]["config"]["units"], 3);
  EXPECT_NE(out.python.find("layers.LeakyReLU(negative_slope=0.2, name=\"act\")"),
            std::string::npos);
  EXPECT_NE(write(b.model, Api::TfKeras).python.find("layers.LeakyReLU(alpha=0.2, name=\"act\")"),
            std::string::npos);
}

TEST(KerasWriterConfig, FunctionalWiringSharedLayerAndOps) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 4, 4, 3});
  auto c =
      b.node(OpKind::Conv, "conv", {x}, {kBatch, 2, 2, 8}, conv_attrs(3, 8, {0, 1, 0, 1}, {2, 2}));
  auto m = b.node(OpKind::ReduceMean, "@mean", {c}, {kBatch, 2, 8},
                  {{"axes", std::vector<int64_t>{1}}, {"keepdims", false}});
  auto s = b.node(OpKind::Mul, "@scale", {m}, {kBatch, 2, 8}, {{"scalar", 2.0}});
  auto r =
      b.node(OpKind::Sub, "@flip", {s}, {kBatch, 2, 8}, {{"scalar", 1.0}, {"scalar_first", true}});
  auto fc1 = b.node(OpKind::Linear, "fc", {r}, {kBatch, 2, 8},
                    {{"in_features", int64_t{8}}, {"out_features", int64_t{8}}});
  auto fc2 = b.node(OpKind::Linear, "fc", {fc1}, {kBatch, 2, 8},
                    {{"in_features", int64_t{8}}, {"out_features", int64_t{8}}});
  auto d = b.node(OpKind::Div, "@ratio", {fc2, m}, {kBatch, 2, 8});
  auto t = b.node(OpKind::Transpose, "@swap", {d}, {2, kBatch, 8},
                  {{"perm", std::vector<int64_t>{1, 0, 2}}});
  b.output(t);
  const auto out = write(b.model);
  dump("functional", out.config);
  const json& config = out.config;
  EXPECT_EQ(config["class_name"], "Functional");
  std::map<std::string, json> by_name;
  for (const auto& layer : config["config"]["layers"]) by_name[layer["name"]] = layer;
  ASSERT_TRUE(by_name.count("x"));
  EXPECT_EQ(by_name["x"]["inbound_nodes"], json::array());
  // Stride 2 on 4 pixels: Keras 'same' pads (0, 1), exactly the pivot pads.
  EXPECT_EQ(by_name["conv"]["config"]["padding"], "same");
  EXPECT_EQ(by_name["conv"]["inbound_nodes"], json::parse(R"([[["x", 0, 0, {}]]])"));
  ASSERT_TRUE(by_name.count("tf.math.reduce_mean"));
  EXPECT_EQ(by_name["tf.math.reduce_mean"]["config"]["function"], "math.reduce_mean");
  EXPECT_EQ(by_name["tf.math.reduce_mean"]["inbound_nodes"],
            json::parse(R"([["conv", 0, 0, {"axis": [1]}]])"));
  EXPECT_EQ(by_name["tf.math.multiply"]["inbound_nodes"],
            json::parse(R"([["tf.math.reduce_mean", 0, 0, {"y": 2.0, "name": null}]])"));
  EXPECT_EQ(
      by_name["tf.math.subtract"]["inbound_nodes"],
      json::parse(
          R"([["_CONSTANT_VALUE", -1, 1.0, {"y": ["tf.math.multiply", 0, 0], "name": null}]])"));
  // One Dense object, called twice: two inbound nodes, the second reading node 0's output.
  EXPECT_EQ(by_name["fc"]["inbound_nodes"],
            json::parse(R"([[["tf.math.subtract", 0, 0, {}]], [["fc", 0, 0, {}]]])"));
  EXPECT_EQ(by_name["tf.math.truediv"]["inbound_nodes"],
            json::parse(R"([["fc", 1, 0, {"y": ["tf.math.reduce_mean", 0, 0], "name": null}]])"));
  EXPECT_EQ(by_name["tf.transpose"]["inbound_nodes"],
            json::parse(R"([["tf.math.truediv", 0, 0, {"perm": [1, 0, 2]}]])"));
  EXPECT_EQ(config["config"]["input_layers"], json::parse(R"([["x", 0, 0]])"));
  EXPECT_EQ(config["config"]["output_layers"], json::parse(R"([["tf.transpose", 0, 0]])"));
  EXPECT_EQ(out.python,
            "# Generated by nnport from net.py.\n"
            "import keras\n"
            "from keras import layers\n"
            "\n"
            "\n"
            "def Net():\n"
            "    \"\"\"Builds the Keras version of the PyTorch model Net.\"\"\"\n"
            "    inputs = keras.Input(shape=(4, 4, 3), name=\"x\")\n"
            "    x = layers.Conv2D(8, kernel_size=3, strides=2, padding=\"same\", "
            "name=\"conv\")(inputs)\n"
            "    mean_out = keras.ops.mean(x, axis=1)\n"
            "    x = mean_out * 2.0\n"
            "    x = 1.0 - x\n"
            "    fc = layers.Dense(8, name=\"fc\")\n"
            "    x = fc(x)\n"
            "    x = fc(x)\n"
            "    x = x / mean_out\n"
            "    x = keras.ops.transpose(x, axes=(1, 0, 2))\n"
            "    return keras.Model(inputs=inputs, outputs=x, name=\"Net\")\n");
}

}  // namespace
