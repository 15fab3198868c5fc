// The PyTorch writer: generated nn.Module text and weight plan from hand-built pivot graphs.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "graph_builder.h"
#include "passes/layout_planning.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::pivot;
using nnport::testing::conv_attrs;
using nnport::testing::GraphBuilder;

namespace {

struct Written {
  std::string python;
  WeightPlan plan;
  bool partial = false;
  bool errors = false;
};

Written write(GraphBuilder& b) {
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::plan_channels_first(b.model, diags));
  auto out = writers::pytorch::write_pytorch(b.model, {"net.py"}, diags);
  EXPECT_TRUE(out.has_value());
  if (!out) return {};
  return {out->python, out->weights, out->partial, diags.has_errors()};
}

bool python_parses(const std::string& code) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nnport_pytorch_writer_" + std::to_string(::getpid()) + ".py");
  std::ofstream(path) << code;
  const std::string command =
      "/usr/bin/python3 -c \"import ast,sys; ast.parse(open(sys.argv[1]).read())\" " +
      path.string();
  const int status = std::system(command.c_str());
  std::filesystem::remove(path);
  return status == 0;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string target_of(const Written& w, const Graph& g, const std::string& param) {
  for (const auto& slot : w.plan.slots)
    if (g.params[slot.param].name == param) return slot.target_name;
  return "(none)";
}

}  // namespace

TEST(PytorchWriter, CnnUsesNamedLayersAndOnlyNonDefaultArguments) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 8, 8});
  auto c =
      b.op(OpKind::Conv, "conv1", {x}, conv_attrs(3, 4, {3, 3}, {1, 1, 1, 1}), {"weight", "bias"});
  auto r = b.op(OpKind::Relu, "relu", {c});
  auto p = b.op(OpKind::MaxPool, "pool", {r}, {{"kernel_size", std::vector<int64_t>{2, 2}}});
  auto f = b.op(OpKind::Flatten, "flatten", {p});
  auto y = b.op(OpKind::Linear, "fc", {f},
                {{"in_features", int64_t{64}}, {"out_features", int64_t{5}}}, {"weight", "bias"});
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "class Net(nn.Module):\n")) << w.python;
  EXPECT_TRUE(contains(w.python, "        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "        self.fc = nn.Linear(64, 5)\n")) << w.python;
  EXPECT_TRUE(
      contains(w.python,
               "    def forward(self, x):\n        x = self.conv1(x)\n        x = F.relu(x)\n"
               "        x = F.max_pool2d(x, 2)\n        x = torch.flatten(x, 1)\n"
               "        x = self.fc(x)\n        return x\n"))
      << w.python;
  EXPECT_FALSE(w.partial);
  EXPECT_TRUE(python_parses(w.python)) << w.python;
  EXPECT_EQ(target_of(w, b.graph(), "conv1.weight"), "conv1.weight");
  EXPECT_EQ(target_of(w, b.graph(), "fc.bias"), "fc.bias");
}

TEST(PytorchWriter, KerasConventionsAreWrittenExplicitly) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 4, 6, 6});
  auto n = b.op(OpKind::BatchNorm, "bn", {x},
                {{"num_features", int64_t{4}}, {"epsilon", 1e-3}, {"momentum", 1.0 - 0.99}},
                {"weight", "bias", "running_mean", "running_var"});
  auto l = b.op(OpKind::LeakyRelu, "act", {n}, {{"negative_slope", 0.3}});
  b.graph().nodes.back().module_path = "act";
  b.output(l);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.bn = nn.BatchNorm2d(4, eps=0.001, momentum=0.01)\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "self.act = nn.LeakyReLU(negative_slope=0.3)\n")) << w.python;
  EXPECT_EQ(target_of(w, b.graph(), "bn.running_var"), "bn.running_var");
}

TEST(PytorchWriter, AsymmetricSamePaddingBecomesAnExplicitPad) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 2, 8, 8});
  // Keras padding="same" with stride 2 and kernel 3 on 8: 0 before, 1 after.
  Attrs a = conv_attrs(2, 2, {3, 3}, {0, 1, 0, 1});
  a["stride"] = std::vector<int64_t>{2, 2};
  auto c = b.op(OpKind::Conv, "conv", {x}, a, {"weight", "bias"});
  b.output(c);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.conv = nn.Conv2d(2, 2, 3, stride=2)\n")) << w.python;
  EXPECT_TRUE(contains(w.python, "self.conv(F.pad(x, (0, 1, 0, 1), value=0.0))")) << w.python;
  EXPECT_TRUE(python_parses(w.python)) << w.python;
}

TEST(PytorchWriter, ChainOfContainerItemsBecomesASequential) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 8});
  auto h = b.op(OpKind::Linear, "classifier.0", {x},
                {{"in_features", int64_t{8}}, {"out_features", int64_t{4}}}, {"weight", "bias"});
  auto r = b.op(OpKind::Relu, "classifier.1", {h});
  b.graph().nodes.back().module_path = "classifier.1";
  auto y = b.op(OpKind::Linear, "classifier.2", {r},
                {{"in_features", int64_t{4}}, {"out_features", int64_t{2}}}, {"weight", "bias"});
  b.output(y);
  const Written w = write(b);
  EXPECT_TRUE(contains(
      w.python,
      "        self.classifier = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2))\n"))
      << w.python;
  EXPECT_TRUE(contains(w.python, "        x = self.classifier(x)\n        return x\n")) << w.python;
  EXPECT_EQ(target_of(w, b.graph(), "classifier.2.weight"), "classifier.2.weight");
}

TEST(PytorchWriter, UnsupportedNodeLeavesAMarkedPartialModule) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 4});
  auto u = b.op(
      OpKind::Unsupported, "odd", {x},
      {{"code", std::string("unsupported-operation")}, {"text", std::string("torch.fft.fft(x)")}});
  b.output(u);
  const Written w = write(b);
  EXPECT_TRUE(w.partial);
  EXPECT_TRUE(contains(w.python, "# Incomplete: see the TODO(nnport) markers below.\n"))
      << w.python;
  EXPECT_TRUE(
      contains(w.python, "        # TODO(nnport): unsupported-operation: torch.fft.fft(x)\n"))
      << w.python;
  EXPECT_TRUE(python_parses(w.python)) << w.python;
}

TEST(PytorchWriter, LongStatementsWrapWithinOneHundredColumns) {
  GraphBuilder b;
  std::vector<ValueId> parts;
  for (int i = 0; i < 6; ++i)
    parts.push_back(b.input("a_rather_long_branch_name_" + std::to_string(i), {kBatch, 2}));
  auto c = b.op(OpKind::Concat, "cat", parts, {{"axis", int64_t{1}}});
  b.output(c);
  const Written w = write(b);
  size_t start = 0;
  for (size_t end; (end = w.python.find('\n', start)) != std::string::npos; start = end + 1)
    EXPECT_LE(end - start, 100u) << w.python.substr(start, end - start);
  EXPECT_TRUE(python_parses(w.python)) << w.python;
}

TEST(PytorchWriter, AttentionProjectionsArePackedIntoInProjWeight) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 5, 8});
  auto a = b.op(OpKind::MultiHeadAttention, "attn", {x, x, x},
                {{"embed_dim", int64_t{8}},
                 {"num_heads", int64_t{2}},
                 {"kdim", int64_t{8}},
                 {"vdim", int64_t{8}}},
                {"query_weight", "key_weight", "value_weight", "query_bias", "key_bias",
                 "value_bias", "output_weight", "output_bias"});
  b.output(a);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.attn = nn.MultiheadAttention(8, 2, batch_first=True)\n"))
      << w.python;
  EXPECT_TRUE(contains(
      w.python, "attn_out, _ = self.attn(x, x, x, need_weights=False)\n        return attn_out\n"))
      << w.python;
  bool packed = false;
  for (const auto& slot : w.plan.slots)
    if (slot.target_name == "attn.in_proj_weight") {
      packed = slot.combine == WeightSlot::Combine::Stack && slot.combine_with.size() == 2 &&
               slot.shape == std::vector<int64_t>{24, 8};
    }
  EXPECT_TRUE(packed);
}
