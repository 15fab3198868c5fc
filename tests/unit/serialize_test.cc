// The pivot JSON form round-trips exactly.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/layout_planning.h"
#include "pivot/serialize.h"

using namespace nnport;
using namespace nnport::pivot;
using nnport::testing::conv_attrs;
using nnport::testing::GraphBuilder;

TEST(PivotJson, RoundTripsExactlyIncludingTypesTransformsAndPerms) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c =
      b.op(OpKind::Conv, "conv", {x}, conv_attrs(3, 4, {3, 3}, {1, 1, 1, 1}), {"weight", "bias"});
  auto n = b.op(OpKind::BatchNorm, "bn", {c},
                {{"num_features", int64_t{4}}, {"epsilon", 1e-3}, {"momentum", 0.01}},
                {"weight", "bias", "running_mean", "running_var"});
  auto l = b.op(OpKind::LeakyRelu, "act", {n}, {{"negative_slope", 0.2}});
  auto f = b.op(OpKind::Flatten, "flatten", {l});
  auto y = b.op(OpKind::Linear, "fc", {f},
                {{"in_features", int64_t{256}}, {"out_features", int64_t{3}}}, {"weight"});
  b.output(y);
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::plan_channels_last(b.model, diags));
  const auto first = to_json(b.model);
  std::string error;
  auto parsed = model_from_json(first, error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(to_json(*parsed).dump(), first.dump());
  // Floats stay floats and empty int lists stay typed.
  EXPECT_NE(first.dump().find("\"epsilon\":0.001"), std::string::npos);
}

TEST(PivotJson, RejectsUnknownOpsAndMistypedAttributes) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 4});
  b.output(b.op(OpKind::Softmax, "sm", {x}, {{"axis", int64_t{1}}}));
  auto j = to_json(b.model);
  std::string error;
  auto bad_op = j;
  bad_op["modules"][0]["graph"]["nodes"][0]["op"] = "frobnicate";
  EXPECT_FALSE(model_from_json(bad_op, error));
  EXPECT_NE(error.find("unknown op"), std::string::npos);
  auto bad_attr = j;
  bad_attr["modules"][0]["graph"]["nodes"][0]["attrs"]["axis"] = "one";
  EXPECT_FALSE(model_from_json(bad_attr, error));
}
