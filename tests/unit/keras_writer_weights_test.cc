// Keras writer: the weight plan. Targets follow the Keras 3 `.weights.h5` layout:
// "layers/<snake-cased class, numbered per class in model.layers order>/vars/<i>", each
// variable permuted from the canonical pivot layout.
#include <gtest/gtest.h>

#include "frameworks/keras/snake_case.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/writer.h"

#include "keras_model_builder.h"

namespace {

using nnport::testing::ModelBuilder;
using namespace nnport;
using namespace nnport::pivot;
using nnport::writers::keras::Api;

std::vector<std::string> slots(const WeightPlan& plan, const Graph& g) {
  std::vector<std::string> out;
  for (const auto& s : plan.slots) {
    std::string perm;
    for (auto p : s.perm) perm += std::to_string(p);
    out.push_back(s.target_name + " <- " + g.params[s.param].name +
                  (perm.empty() ? "" : " perm " + perm));
  }
  return out;
}

WeightPlan plan_of(const Model& model, Api api = Api::Keras3) {
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(model, {api, "net.py"}, diags);
  EXPECT_TRUE(out.has_value());
  return out ? out->weights : WeightPlan{};
}

TEST(KerasWriterWeights, SnakeCaseMatchesKeras) {
  using frameworks::keras::to_snake_case;
  EXPECT_EQ(to_snake_case("Conv2D"), "conv2d");
  EXPECT_EQ(to_snake_case("BatchNormalization"), "batch_normalization");
  EXPECT_EQ(to_snake_case("ReLU"), "re_lu");
  EXPECT_EQ(to_snake_case("LeakyReLU"), "leaky_re_lu");
  EXPECT_EQ(to_snake_case("GlobalAveragePooling2D"), "global_average_pooling2d");
  EXPECT_EQ(to_snake_case("InputLayer"), "input_layer");
  EXPECT_EQ(to_snake_case("TFOpLambda"), "tf_op_lambda");
  EXPECT_EQ(to_snake_case("ZeroPadding2D"), "zero_padding2d");
}

TEST(KerasWriterWeights, SequentialConvBnDense) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 5, 5, 2});
  auto c = b.node(OpKind::Conv, "features.0", {x}, {kBatch, 3, 3, 4},
                  {{"in_channels", int64_t{2}},
                   {"out_channels", int64_t{4}},
                   {"kernel_size", std::vector<int64_t>{3, 3}},
                   {"data_format", std::string("channels_last")}});
  auto n = b.node(OpKind::BatchNorm, "features.1", {c}, {kBatch, 3, 3, 4},
                  {{"num_features", int64_t{4}}, {"axis", int64_t{3}}});
  auto r = b.node(OpKind::Relu, "features.2", {n}, {kBatch, 3, 3, 4});
  auto f = b.node(OpKind::Flatten, "flatten", {r}, {kBatch, 36});
  auto y = b.node(OpKind::Linear, "classifier", {f}, {kBatch, 2},
                  {{"in_features", int64_t{36}}, {"out_features", int64_t{2}}});
  b.output(y);
  const auto plan = plan_of(b.model);
  EXPECT_EQ(slots(plan, b.g()), (std::vector<std::string>{
                                    "layers/conv2d/vars/0 <- features.0.weight perm 2310",
                                    "layers/conv2d/vars/1 <- features.0.bias",
                                    "layers/batch_normalization/vars/0 <- features.1.weight",
                                    "layers/batch_normalization/vars/1 <- features.1.bias",
                                    "layers/batch_normalization/vars/2 <- features.1.running_mean",
                                    "layers/batch_normalization/vars/3 <- features.1.running_var",
                                    "layers/dense/vars/0 <- classifier.weight perm 10",
                                    "layers/dense/vars/1 <- classifier.bias",
                                }));
  // Sequential models list no InputLayer.
  EXPECT_EQ(plan.empty_groups, (std::vector<std::string>{"layers/re_lu", "layers/flatten"}));
}

TEST(KerasWriterWeights, FunctionalOrderFollowsKerasDepthSort) {
  // The shortcut Dense comes first in the code but is the deepest-last layer in
  // model.layers (Keras orders by distance to the output), so it is "dense_2".
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 4});
  Attrs fc = {{"in_features", int64_t{4}}, {"out_features", int64_t{4}}};
  auto s = b.node(OpKind::Linear, "shortcut", {x}, {kBatch, 4}, fc);
  auto a = b.node(OpKind::Linear, "fc1", {x}, {kBatch, 4}, fc);
  auto c = b.node(OpKind::Linear, "fc2", {a}, {kBatch, 4}, fc);
  auto y = b.node(OpKind::Add, "@add", {c, s}, {kBatch, 4});
  b.output(y);
  const auto plan = plan_of(b.model);
  EXPECT_EQ(slots(plan, b.g()), (std::vector<std::string>{
                                    "layers/dense/vars/0 <- fc1.weight perm 10",
                                    "layers/dense/vars/1 <- fc1.bias",
                                    "layers/dense_1/vars/0 <- fc2.weight perm 10",
                                    "layers/dense_1/vars/1 <- fc2.bias",
                                    "layers/dense_2/vars/0 <- shortcut.weight perm 10",
                                    "layers/dense_2/vars/1 <- shortcut.bias",
                                }));
  EXPECT_EQ(plan.empty_groups, (std::vector<std::string>{"layers/input_layer", "layers/add"}));
}

TEST(KerasWriterWeights, SharedLayerHasOneSetOfVariables) {
  ModelBuilder b;
  auto x = b.input("x", {kBatch, 3});
  Attrs fc = {{"in_features", int64_t{3}}, {"out_features", int64_t{3}}, {"bias", false}};
  auto a = b.node(OpKind::Linear, "fc", {x}, {kBatch, 3}, fc);
  auto c = b.node(OpKind::Linear, "fc", {a}, {kBatch, 3}, fc);
  b.output(c);
  const auto plan = plan_of(b.model);
  EXPECT_EQ(slots(plan, b.g()),
            (std::vector<std::string>{"layers/dense/vars/0 <- fc.weight perm 10"}));
}

TEST(KerasWriterWeights, EmbeddingAndConv1D) {
  ModelBuilder b;
  auto x = b.input("ids", {kBatch, 7}, DType::Int64);
  auto e = b.node(OpKind::Embedding, "embed", {x}, {kBatch, 7, 8},
                  {{"num_embeddings", int64_t{50}}, {"embedding_dim", int64_t{8}}});
  auto c = b.node(OpKind::Conv, "conv", {e}, {kBatch, 5, 4},
                  {{"in_channels", int64_t{8}},
                   {"out_channels", int64_t{4}},
                   {"kernel_size", std::vector<int64_t>{3}},
                   {"data_format", std::string("channels_last")}});
  b.output(c);
  DiagnosticEngine diags;
  auto out = writers::keras::write_keras(b.model, {Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(out);
  EXPECT_EQ(slots(out->weights, b.g()), (std::vector<std::string>{
                                            "layers/embedding/vars/0 <- embed.weight",
                                            "layers/conv1d/vars/0 <- conv.weight perm 210",
                                            "layers/conv1d/vars/1 <- conv.bias",
                                        }));
  EXPECT_NE(out->python.find("keras.Input(shape=(7,), dtype=\"int64\", name=\"ids\")"),
            std::string::npos);
  EXPECT_NE(out->python.find("layers.Embedding(input_dim=50, output_dim=8, name=\"embed\")"),
            std::string::npos);
}

}  // namespace
