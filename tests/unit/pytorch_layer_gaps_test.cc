// Adaptive pooling to any size, matmul between activations and attention masks: the pivot
// shape rules, what the PyTorch reader builds, and what it refuses.
#include "pytorch_reader_test_util.h"
#include "readers/pytorch/attention_masks.h"

using namespace nnport;
using namespace nnport::testing;
using pivot::OpKind;

namespace {

// Runs one op's shape rule; returns the output type or the rule's error.
struct ShapeOutcome {
  bool ok = false;
  pivot::TensorType out;
  std::string error;
};

ShapeOutcome infer(OpKind kind, std::vector<pivot::TensorType> inputs, pivot::Attrs attrs = {}) {
  pivot::Node node;
  node.kind = kind;
  node.attrs = std::move(attrs);
  std::vector<pivot::TensorType> outputs(1);
  pivot::ShapeContext ctx{node, inputs, outputs, {}};
  ShapeOutcome r;
  r.ok = pivot::schema(kind).infer(ctx);
  r.out = outputs[0];
  r.error = ctx.error;
  return r;
}

pivot::TensorType tensor(std::vector<int64_t> shape, pivot::DType dtype = pivot::DType::Float32) {
  pivot::TensorType t;
  t.shape = std::move(shape);
  t.rank_known = true;
  t.dtype = dtype;
  return t;
}

readers::ReadOptions input(std::vector<int64_t> shape,
                           std::optional<pivot::DType> dtype = std::nullopt) {
  return readers::ReadOptions{"", {{std::move(shape), dtype}}};
}

std::vector<const pivot::Node*> nodes_of(const ReadResult& r, OpKind kind) {
  std::vector<const pivot::Node*> out;
  for (const auto& n : r.graph().nodes)
    if (n.kind == kind) out.push_back(&n);
  return out;
}

}  // namespace

TEST(MatMulShape, BroadcastsLeadingAxes) {
  auto r = infer(OpKind::MatMul, {tensor({N, 4, 6, 3}), tensor({N, 1, 3, 5})});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.out.shape, (std::vector<int64_t>{N, 4, 6, 5}));
  r = infer(OpKind::MatMul, {tensor({N, 7, 3}), tensor({3, 2})});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.out.shape, (std::vector<int64_t>{N, 7, 2}));
}

TEST(MatMulShape, RejectsMismatchedInnerSizesAndVectors) {
  auto r = infer(OpKind::MatMul, {tensor({N, 4, 6}), tensor({N, 5, 6})});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("inner sizes differ"), std::string::npos) << r.error;
  r = infer(OpKind::MatMul, {tensor({N, 2, 4, 6}), tensor({N, 3, 6, 6})});
  EXPECT_FALSE(r.ok);
  r = infer(OpKind::MatMul, {tensor({N, 6}), tensor({6})});
  EXPECT_FALSE(r.ok);
}

TEST(EqualShape, IsBoolAndBroadcasts) {
  auto r = infer(OpKind::Equal, {tensor({N, 8}, pivot::DType::Int64)}, {{"scalar", 0.0}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.out.dtype, pivot::DType::Bool);
  EXPECT_EQ(r.out.shape, (std::vector<int64_t>{N, 8}));
}

TEST(AttentionShape, KeyPaddingMaskMustMatchTheKeys) {
  pivot::Attrs attrs{{"embed_dim", int64_t{8}},
                     {"num_heads", int64_t{2}},
                     {"kdim", int64_t{8}},
                     {"vdim", int64_t{8}}};
  const auto x = tensor({N, 5, 8});
  auto r = infer(OpKind::MultiHeadAttention, {x, x, x, tensor({N, 5}, pivot::DType::Bool)}, attrs);
  EXPECT_TRUE(r.ok) << r.error;
  r = infer(OpKind::MultiHeadAttention, {x, x, x, tensor({N, 4}, pivot::DType::Bool)}, attrs);
  EXPECT_FALSE(r.ok);
  r = infer(OpKind::MultiHeadAttention, {x, x, x, tensor({N, 5})}, attrs);
  EXPECT_FALSE(r.ok) << "a float key_padding_mask is an additive bias, not a bool mask";
  attrs["causal"] = true;
  r = infer(OpKind::MultiHeadAttention, {x, tensor({N, 6, 8}), tensor({N, 6, 8})}, attrs);
  EXPECT_FALSE(r.ok) << "causal needs as many keys as queries";
}

TEST(AdaptivePooling, UnevenSizesBecomeWindowsOfPyTorchsBins) {
  auto r = read(R"(
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveMaxPool2d((7, 4))

    def forward(self, x):
        return self.pool(x)
)",
                input({N, 3, 14, 9}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  // Height 14 -> 7 divides: one 2x1 max pool; width 9 -> 4 does not: windows
  // [floor(i*9/4), ceil((i+1)*9/4)) = [0,3) [2,5) [4,7) [6,9).
  auto pools = nodes_of(*r, OpKind::MaxPool);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(ints(*pools[0], "kernel_size"), (std::vector<int64_t>{2, 1}));
  auto slices = nodes_of(*r, OpKind::Slice);
  ASSERT_EQ(slices.size(), 4u);
  std::vector<int64_t> starts, stops;
  for (const auto* s : slices) {
    EXPECT_EQ(ints(*s, "axes"), (std::vector<int64_t>{3}));
    starts.push_back(ints(*s, "starts")[0]);
    stops.push_back(ints(*s, "stops")[0]);
  }
  EXPECT_EQ(starts, (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(stops, (std::vector<int64_t>{3, 5, 7, 9}));
  EXPECT_EQ(nodes_of(*r, OpKind::ReduceMax).size(), 4u);
  const auto& g = r->graph();
  EXPECT_EQ(g.values[g.outputs[0].value].type.shape, (std::vector<int64_t>{N, 3, 7, 4}));
}

TEST(AdaptivePooling, OnesAndNoneAreReductionsAndEvenSizesArePools) {
  auto r = read(R"(
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rows = nn.AdaptiveAvgPool2d((1, None))

    def forward(self, x):
        return self.rows(F.adaptive_avg_pool2d(x, (7, 7)))
)",
                input({N, 3, 14, 14}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  auto pools = nodes_of(*r, OpKind::AvgPool);
  ASSERT_EQ(pools.size(), 1u);
  EXPECT_EQ(ints(*pools[0], "kernel_size"), (std::vector<int64_t>{2, 2}));
  auto means = nodes_of(*r, OpKind::ReduceMean);
  ASSERT_EQ(means.size(), 1u);
  EXPECT_EQ(ints(*means[0], "axes"), (std::vector<int64_t>{2}));
  EXPECT_TRUE(nodes_of(*r, OpKind::Slice).empty());
  const auto& g = r->graph();
  EXPECT_EQ(g.values[g.outputs[0].value].type.shape, (std::vector<int64_t>{N, 3, 1, 7}));
}

TEST(AdaptivePooling, UnknownSpatialSizeIsReported) {
  auto r = read(R"(
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool1d(5)

    def forward(self, x):
        return self.pool(x)
)",
                input({N, 4, pivot::kUnknown}));
  EXPECT_TRUE(r->has(Code::NeedsInputShape, 10)) << r->dump();
}

TEST(AdaptivePooling, BadOutputSizeIsAnUnsupportedArgument) {
  auto r = read(R"(
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d((0, 3))

    def forward(self, x):
        return self.pool(x)
)",
                input({N, 4, 8, 8}));
  EXPECT_TRUE(r->has(Code::UnsupportedArgument)) << r->dump();
}

TEST(MatMulReader, OperatorsAndBmm) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)

    def forward(self, x):
        q = self.q(x)
        s = torch.softmax(q @ x.transpose(1, 2), dim=-1)
        return torch.bmm(s, x) + s.matmul(q)
)",
                input({N, 5, 8}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(nodes_of(*r, OpKind::MatMul).size(), 3u);
  const auto& g = r->graph();
  EXPECT_EQ(g.values[g.outputs[0].value].type.shape, (std::vector<int64_t>{N, 5, 8}));
}

TEST(MatMulReader, BmmNeedsThreeDimensionalOperands) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def forward(self, x):
        return torch.bmm(x, x.transpose(1, 2).unsqueeze(1))
)",
                input({N, 5, 8}));
  EXPECT_TRUE(r->has(Code::ShapeMismatch, 7)) << r->dump();
}

TEST(AttentionMasks, CausalMaskFormsAreRecognised) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.MultiheadAttention(8, 2, batch_first=True)
        self.b = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        t = x.size(1)
        m1 = torch.triu(torch.ones(t, t), diagonal=1).bool()
        m2 = (torch.triu(torch.ones(t, t)) == 1).transpose(0, 1)
        m2 = m2.float().masked_fill(m2 == 0, float('-inf')).masked_fill(m2 == 1, float(0.0))
        y, _ = self.a(x, x, x, attn_mask=m1)
        z, _ = self.b(y, y, y, attn_mask=m2)
        return z
)",
                input({N, 5, 8}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  auto mha = nodes_of(*r, OpKind::MultiHeadAttention);
  ASSERT_EQ(mha.size(), 2u);
  EXPECT_TRUE(pivot::attr_bool(*mha[0], "causal"));
  EXPECT_TRUE(pivot::attr_bool(*mha[1], "causal"));
}

TEST(AttentionMasks, OtherMasksAreReportedPrecisely) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        t = x.size(1)
        y, _ = self.a(x, x, x, attn_mask=torch.triu(torch.ones(t, t)).bool())
        return y
)",
                input({N, 5, 8}));
  ASSERT_TRUE(r->has(Code::UnsupportedArgument, 12)) << r->dump();
  EXPECT_NE(r->dump().find("not the causal"), std::string::npos) << r->dump();
}

TEST(AttentionMasks, KeyPaddingMaskFromTokenIds) {
  auto r = read(R"(
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        self.a = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, ids):
        x = self.embed(ids)
        y, _ = self.a(x, x, x, key_padding_mask=ids == 0)
        return y
)",
                input({N, 6}, pivot::DType::Int64));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  auto eq = nodes_of(*r, OpKind::Equal);
  ASSERT_EQ(eq.size(), 1u);
  EXPECT_DOUBLE_EQ(pivot::attr_float(*eq[0], "scalar"), 0.0);
  auto mha = nodes_of(*r, OpKind::MultiHeadAttention);
  ASSERT_EQ(mha.size(), 1u);
  ASSERT_EQ(mha[0]->inputs.size(), 4u);
  EXPECT_EQ(mha[0]->inputs[3], eq[0]->outputs[0]);
}

TEST(AttentionMasks, CausalPatternRules) {
  using readers::pytorch::MaskPattern;
  const double inf = std::numeric_limits<double>::infinity();
  MaskPattern m;
  m.sizes = {4, 4};
  m.region = MaskPattern::Region::Upper;
  m.diagonal = 1;
  m.inside = syntax::Constant::boolean(true);
  m.outside = syntax::Constant::boolean(false);
  EXPECT_EQ(readers::pytorch::causal_mask_problem(m, 4), "");
  EXPECT_NE(readers::pytorch::causal_mask_problem(m, 5), "") << "size differs from the sequence";
  m.inside = syntax::Constant::floating(-inf);
  m.outside = syntax::Constant::floating(0.0);
  EXPECT_EQ(readers::pytorch::causal_mask_problem(m, 4), "");
  m.inside = syntax::Constant::floating(1.0);  // an additive bias, not a mask
  EXPECT_NE(readers::pytorch::causal_mask_problem(m, 4), "");
  m.region = MaskPattern::Region::Lower;
  m.diagonal = 0;
  m.inside = syntax::Constant::boolean(false);
  m.outside = syntax::Constant::boolean(true);
  EXPECT_EQ(readers::pytorch::causal_mask_problem(m, 4), "");
  m.diagonal = 1;
  EXPECT_NE(readers::pytorch::causal_mask_problem(m, 4), "");
}

TEST(TransformerDecoder, LayerExpandsIntoSelfAndCrossAttention) {
  auto r = read(R"(
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.dec = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, batch_first=True)

    def forward(self, tgt, memory):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.dec(tgt, memory, tgt_mask=mask)
)",
                readers::ReadOptions{"",
                                     {{std::vector<int64_t>{N, 4, 8}, std::nullopt},
                                      {std::vector<int64_t>{N, 6, 8}, std::nullopt}}});
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  auto mha = nodes_of(*r, OpKind::MultiHeadAttention);
  ASSERT_EQ(mha.size(), 2u);
  EXPECT_TRUE(pivot::attr_bool(*mha[0], "causal"));   // self-attention over the target
  EXPECT_FALSE(pivot::attr_bool(*mha[1], "causal"));  // cross-attention over the memory
  EXPECT_EQ(mha[1]->module_path, "dec.multihead_attn");
  EXPECT_EQ(nodes_of(*r, OpKind::LayerNorm).size(), 3u);
  const auto& g = r->graph();
  EXPECT_EQ(g.values[g.outputs[0].value].type.shape, (std::vector<int64_t>{N, 4, 8}));
}
