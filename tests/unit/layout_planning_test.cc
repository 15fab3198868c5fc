// Layout planning: channels-first graphs become channels-last with the fewest transposes.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/layout_planning.h"
#include "passes/verify.h"

using namespace nnport;
using namespace nnport::pivot;
using nnport::testing::conv_attrs;
using nnport::testing::count_kind;
using nnport::testing::GraphBuilder;

namespace {

bool plan(GraphBuilder& b) {
  DiagnosticEngine diags;
  bool ok = passes::plan_channels_last(b.model, diags);
  EXPECT_TRUE(passes::verify(b.model).empty());
  return ok && !diags.has_errors();
}

const Node& find(const Graph& g, const std::string& name) {
  for (const auto& n : g.nodes)
    if (n.name == name) return n;
  ADD_FAILURE() << "no node " << name;
  return g.nodes.front();
}

}  // namespace

TEST(LayoutPlanning, ConvFlattenLinearNeedsNoTransposeButPermutesWeightRows) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c =
      b.op(OpKind::Conv, "conv", {x}, conv_attrs(3, 4, {3, 3}, {1, 1, 1, 1}), {"weight", "bias"});
  auto r = b.op(OpKind::Relu, "relu", {c});
  auto f = b.op(OpKind::Flatten, "flatten", {r});
  auto d = b.op(OpKind::Dropout, "drop", {f}, {{"rate", 0.5}});
  auto y = b.op(OpKind::Linear, "fc", {d},
                {{"in_features", int64_t{256}}, {"out_features", int64_t{5}}}, {"weight", "bias"});
  b.output(y);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(g.inputs[0].source_to_target_perm, (std::vector<int64_t>{0, 2, 3, 1}));
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (std::vector<int64_t>{kBatch, 8, 8, 3}));
  EXPECT_EQ(attr_string(find(g, "conv"), "data_format"), "channels_last");
  const Param& w = g.params[find(g, "fc").params.at("weight")];
  ASSERT_EQ(w.transforms.size(), 1u);
  EXPECT_EQ(w.transforms[0], (WeightTransform{1, {4, 8, 8}, {1, 2, 0}}));
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1}));
}

TEST(LayoutPlanning, SourcePermuteBeforeConv1dCancelsOut) {
  GraphBuilder b;
  auto ids = b.input("ids", {kBatch, 20}, DType::Int64);
  auto e = b.op(OpKind::Embedding, "emb", {ids},
                {{"num_embeddings", int64_t{100}}, {"embedding_dim", int64_t{8}}}, {"weight"});
  auto t = b.op(OpKind::Transpose, "permute", {e}, {{"perm", std::vector<int64_t>{0, 2, 1}}});
  auto c = b.op(OpKind::Conv, "conv", {t}, conv_attrs(8, 6, {3}), {"weight", "bias"});
  auto m = b.op(OpKind::ReduceMax, "max", {c}, {{"axes", std::vector<int64_t>{2}}});
  auto y = b.op(OpKind::Linear, "fc", {m},
                {{"in_features", int64_t{6}}, {"out_features", int64_t{2}}}, {"weight", "bias"});
  b.output(y);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(attr_ints(find(g, "max"), "axes"), (std::vector<int64_t>{1}));
  EXPECT_TRUE(g.params[find(g, "fc").params.at("weight")].transforms.empty());
}

TEST(LayoutPlanning, ConvOutputIsReturnedChannelsLast) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c = b.op(OpKind::Conv, "conv", {x}, conv_attrs(3, 4, {1, 1}), {"weight"});
  auto s = b.op(OpKind::Softmax, "softmax", {c}, {{"axis", int64_t{1}}});
  b.output(s);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(attr_int(find(g, "softmax"), "axis"), 3);
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 2, 3, 1}));
}

TEST(LayoutPlanning, ReshapeNeedsSourceOrderAndGetsOneTranspose) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c = b.op(OpKind::Conv, "conv", {x}, conv_attrs(3, 4, {1, 1}), {"weight"});
  auto r = b.op(OpKind::Reshape, "view", {c}, {{"shape", std::vector<int64_t>{kBatch, 4, 64}}});
  auto y = b.op(OpKind::Linear, "fc", {r},
                {{"in_features", int64_t{64}}, {"out_features", int64_t{2}}}, {"weight"});
  b.output(y);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  ASSERT_EQ(count_kind(g, OpKind::Transpose), 1u);
  for (const auto& n : g.nodes)
    if (n.kind == OpKind::Transpose) {
      EXPECT_EQ(attr_ints(n, "perm"), (std::vector<int64_t>{0, 3, 1, 2}));
    }
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1, 2}));
}

TEST(LayoutPlanning, ChannelConcatAndResidualAddStayChannelsLast) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 4, 8, 8});
  auto c1 = b.op(OpKind::Conv, "c1", {x}, conv_attrs(4, 4, {3, 3}, {1, 1, 1, 1}), {"weight"});
  auto sum = b.op(OpKind::Add, "add", {c1, x});
  auto c2 = b.op(OpKind::Conv, "c2", {sum}, conv_attrs(4, 2, {1, 1}), {"weight"});
  auto cat = b.op(OpKind::Concat, "cat", {sum, c2}, {{"axis", int64_t{1}}});
  auto pooled = b.op(OpKind::ReduceMean, "gap", {cat},
                     {{"axes", std::vector<int64_t>{2, 3}}, {"keepdims", true}});
  auto flat = b.op(OpKind::Flatten, "flatten", {pooled});
  b.output(flat);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(attr_int(find(g, "cat"), "axis"), 3);
  EXPECT_EQ(attr_ints(find(g, "gap"), "axes"), (std::vector<int64_t>{1, 2}));
  // (N, 1, 1, 6) flattens to the same order as (N, 6, 1, 1): no transpose, no weight change.
  EXPECT_EQ(g.values[g.outputs[0].value].type.shape, (std::vector<int64_t>{kBatch, 6}));
}

TEST(LayoutPlanning, FlattenObservedDirectlyIsMaterialisedInSourceOrder) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 2, 4, 4});
  auto c = b.op(OpKind::Conv, "conv", {x}, conv_attrs(2, 3, {1, 1}), {"weight"});
  auto f = b.op(OpKind::Flatten, "flatten", {c});
  b.output(f);
  ASSERT_TRUE(plan(b));
  EXPECT_EQ(count_kind(b.graph(), OpKind::Transpose), 1u);
}

// The seq-first transformer recipe: ids.transpose(0, 1) -> embedding -> x + pe[:T] with pe of
// shape (max_len, 1, E) -> the reader's batch-first transposes around the encoder -> layer norm
// of the (T, N, E) result -> mean over dim 0. Everything stays batch-first in storage: no
// transpose is emitted, the positional encoding keeps its (max_len, 1, E) layout and is permuted
// where it is added (perm [1, 0, 2]), and the mean over the time axis 0 becomes a mean over
// stored axis 1.
TEST(LayoutPlanning, SequenceFirstTransformerKeepsTheBatchAxisFirst) {
  GraphBuilder b;
  auto ids = b.input("ids", {kBatch, 9}, DType::Int64);
  auto t = b.op(OpKind::Transpose, "to_seq_first", {ids}, {{"perm", std::vector<int64_t>{1, 0}}});
  auto e = b.op(OpKind::Embedding, "emb", {t},
                {{"num_embeddings", int64_t{30}}, {"embedding_dim", int64_t{16}}}, {"weight"});
  auto pe =
      b.op(OpKind::AddParam, "pe", {e},
           {{"shape", std::vector<int64_t>{20, 1, 16}}, {"slice_axis", int64_t{0}}}, {"value"});
  auto bf =
      b.op(OpKind::Transpose, "to_batch_first", {pe}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
  auto r = b.op(OpKind::Relu, "relu", {bf});
  auto sf = b.op(OpKind::Transpose, "back", {r}, {{"perm", std::vector<int64_t>{1, 0, 2}}});
  auto ln = b.op(OpKind::LayerNorm, "norm", {sf}, {{"normalized_shape", std::vector<int64_t>{16}}},
                 {"weight", "bias"});
  auto m = b.op(OpKind::ReduceMean, "mean", {ln}, {{"axes", std::vector<int64_t>{0}}});
  b.output(m);
  ASSERT_TRUE(plan(b));
  const Graph& g = b.graph();
  EXPECT_EQ(count_kind(g, OpKind::Transpose), 0u);
  EXPECT_EQ(attr_ints(find(g, "mean"), "axes"), (std::vector<int64_t>{1}));
  // The stored tensor keeps its source layout (T, 1, E); the op permutes it where it is added.
  const Node& add = find(g, "pe");
  EXPECT_EQ(attr_ints(add, "shape"), (std::vector<int64_t>{20, 1, 16}));
  EXPECT_EQ(attr_int(add, "slice_axis"), 0);
  EXPECT_EQ(attr_ints(add, "perm"), (std::vector<int64_t>{1, 0, 2}));
  const Param& value = g.params[add.params.at("value")];
  EXPECT_TRUE(value.source_perm.empty());
  EXPECT_EQ(value.shape, (std::vector<int64_t>{20, 1, 16}));
  EXPECT_EQ(g.values[find(g, "norm").outputs[0]].type.shape, (std::vector<int64_t>{kBatch, 9, 16}));
  EXPECT_EQ(g.outputs[0].source_to_target_perm, (std::vector<int64_t>{0, 1}));
}
