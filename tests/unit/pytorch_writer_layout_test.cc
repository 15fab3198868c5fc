// Channels-first layout planning (the PyTorch target): channels-last graphs (Keras semantics)
// get their convolutions channels-first with the fewest transposes; channels-first graphs pass
// through untouched.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/layout_planning.h"
#include "passes/verify.h"

using namespace nnport;
using namespace nnport::pivot;
using nnport::testing::count_kind;
using nnport::testing::GraphBuilder;

namespace {

Attrs channels_last_conv(int64_t in, int64_t out, std::vector<int64_t> kernel,
                         std::vector<int64_t> pads = {}) {
  Attrs a = nnport::testing::conv_attrs(in, out, std::move(kernel), std::move(pads));
  a["data_format"] = std::string("channels_last");
  return a;
}

bool plan(GraphBuilder& b) {
  DiagnosticEngine diags;
  const bool ok = passes::plan_channels_first(b.model, diags);
  EXPECT_TRUE(passes::verify(b.model).empty());
  return ok && !diags.has_errors();
}

const Node& find(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name.starts_with(name)) return n;
  ADD_FAILURE() << "no node " << name;
  return g.nodes.front();
}

}  // namespace

TEST(PytorchLayout, ChannelsLastCnnPermutesTheInputOnceAndTheLinearRows) {
  GraphBuilder b;
  b.model.source_framework = "keras";
  auto x = b.input("x", {kBatch, 8, 8, 3});
  auto c = b.op(OpKind::Conv, "conv", {x}, channels_last_conv(3, 4, {3, 3}, {1, 1, 1, 1}),
                {"weight", "bias"});
  auto n = b.op(OpKind::BatchNorm, "bn", {c}, {{"num_features", int64_t{4}}, {"axis", int64_t{3}}},
                {"weight", "bias", "running_mean", "running_var"});
  auto r = b.op(OpKind::Relu, "relu", {n});
  auto f = b.op(OpKind::Flatten, "flatten", {r});
  auto y = b.op(OpKind::Linear, "fc", {f},
                {{"in_features", int64_t{256}}, {"out_features", int64_t{5}}}, {"weight", "bias"});
  b.output(y);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(g.inputs[0].source_to_target_perm, (std::vector<int64_t>{0, 3, 1, 2}));
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (std::vector<int64_t>{kBatch, 3, 8, 8}));
  EXPECT_EQ(attr_string(find(g, "conv"), "data_format"), "channels_first");
  EXPECT_EQ(attr_int(find(g, "bn"), "axis"), 1);
  // The flattened features come (C, H, W) instead of (H, W, C): the Linear rows follow.
  const Param& w = g.params[find(g, "fc").params.at("weight")];
  ASSERT_EQ(w.transforms.size(), 1u);
  EXPECT_EQ(w.transforms[0], (WeightTransform{1, {8, 8, 4}, {2, 0, 1}}));
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1}));
}

TEST(PytorchLayout, FeatureMapOutputStaysChannelsFirstWithItsPermutationReported) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 6, 6, 2});
  auto c = b.op(OpKind::Conv, "conv", {x}, channels_last_conv(2, 3, {1, 1}), {"weight", "bias"});
  auto s = b.op(OpKind::Softmax, "softmax", {c}, {{"axis", int64_t{-1}}});
  b.output(s);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(attr_int(find(g, "softmax"), "axis"), 1);  // the channel axis, channels-first
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 3, 1, 2}));
}

TEST(PytorchLayout, FlattenIntoTheOutputRestoresTheSourceOrder) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 4, 4, 2});
  auto c = b.op(OpKind::Conv, "conv", {x}, channels_last_conv(2, 3, {1, 1}), {"weight", "bias"});
  auto f = b.op(OpKind::Flatten, "flatten", {c});
  b.output(f);
  ASSERT_TRUE(plan(b));
  // Nothing absorbs the element order, so one transpose back to (N, H, W, C) precedes it.
  EXPECT_EQ(count_kind(b.graph(), OpKind::Transpose), 1u);
  EXPECT_EQ(attr_ints(find(b.graph(), "transpose"), "perm"), (std::vector<int64_t>{0, 2, 3, 1}));
}

TEST(PytorchLayout, ChannelsFirstGraphIsLeftAsWritten) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c = b.op(OpKind::Conv, "conv", {x}, nnport::testing::conv_attrs(3, 4, {3, 3}),
                {"weight", "bias"});
  auto t = b.op(OpKind::Transpose, "permute", {c}, {{"perm", std::vector<int64_t>{0, 2, 3, 1}}});
  auto f = b.op(OpKind::Flatten, "flatten", {t});
  b.output(f);
  const Graph before = b.graph();
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  ASSERT_EQ(g.nodes.size(), before.nodes.size());
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    EXPECT_EQ(g.nodes[i].kind, before.nodes[i].kind);
    EXPECT_EQ(g.nodes[i].attrs, before.nodes[i].attrs);
  }
  EXPECT_EQ(g.inputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1}));
}
