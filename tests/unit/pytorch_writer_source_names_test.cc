// Keras -> PyTorch gives back the names a PyTorch source had before nnport took it to Keras:
// stacked recurrent layers (passes/merge_stacked_recurrent.h), a top-level nn.Sequential
// (writers/pytorch/sequential_model.h) and stored tensors of a submodule.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/layout_planning.h"
#include "passes/merge_stacked_recurrent.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using namespace nnport::pivot;
using nnport::testing::count_kind;
using nnport::testing::GraphBuilder;

namespace {

struct Written {
  std::string python;
  WeightPlan plan;
};

Written write(GraphBuilder& b) {
  DiagnosticEngine diags;
  EXPECT_TRUE(passes::plan_channels_first(b.model, diags));
  for (size_t i = 0; i < b.graph().nodes.size(); ++i) {
    std::string error;
    EXPECT_TRUE(passes::infer_node(b.graph(), i, error)) << error;
  }
  auto out = writers::pytorch::write_pytorch(b.model, {"net.py"}, diags);
  EXPECT_TRUE(out.has_value());
  EXPECT_FALSE(diags.has_errors());
  if (!out) return {};
  return {out->python, out->weights};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string target_of(const Written& w, const Graph& g, const std::string& param) {
  for (const auto& slot : w.plan.slots)
    if (!slot.zeros && g.params[slot.param].name == param) return slot.target_name;
  return "(none)";
}

// One Keras LSTM layer as the Keras reader reads it: sequence, h_n, c_n; parameters named by
// the layer.
ValueId lstm_layer(GraphBuilder& b, const std::string& name, ValueId x, int64_t in,
                   std::vector<ValueId>* states) {
  Graph& g = b.graph();
  Node n;
  n.kind = OpKind::Lstm;
  n.name = name;
  n.module_path = name;
  n.inputs = {x};
  n.attrs = {{"input_size", in}, {"hidden_size", int64_t{4}}};
  for (const char* out : {"_0", "_1", "_2"}) n.outputs.push_back(g.add_value(name + out, {}));
  for (const char* role : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0"}) {
    Param p;
    p.name = name + "/" + role;
    p.shape = schema(OpKind::Lstm).param_shape(n, role);
    n.params[role] = g.add_param(p);
  }
  g.nodes.push_back(n);
  std::string error;
  EXPECT_TRUE(passes::infer_node(g, g.nodes.size() - 1, error)) << error;
  if (states) *states = {n.outputs[1], n.outputs[2]};
  return n.outputs[0];
}

TEST(SourceNames, StackedKerasLayersBecomeOneStackedLstm) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 5, 3});
  auto first = lstm_layer(b, "lstm", x, 3, nullptr);
  // out[:, -1] of the first layer is its final state: h_n[0] of the stack.
  auto last_step =
      b.op(OpKind::Select, "first_last", {first}, {{"axis", int64_t{1}}, {"index", int64_t{-1}}});
  auto dropped = b.op(OpKind::Dropout, "lstm_dropout0", {first}, {{"rate", 0.25}});
  std::vector<ValueId> states;
  lstm_layer(b, "lstm_l1", dropped, 4, &states);
  auto h = b.op(OpKind::Select, "h", {states[0]}, {{"axis", int64_t{0}}, {"index", int64_t{0}}});
  auto c = b.op(OpKind::Select, "c", {states[1]}, {{"axis", int64_t{0}}, {"index", int64_t{-1}}});
  auto cat = b.op(OpKind::Concat, "cat", {last_step, h, c}, {{"axis", int64_t{1}}});
  b.output(cat);

  EXPECT_EQ(passes::merge_stacked_recurrent(b.model), 1);
  const Graph& g = b.graph();
  ASSERT_EQ(count_kind(g, OpKind::Lstm), 1u);
  EXPECT_EQ(count_kind(g, OpKind::Dropout), 0u);
  for (const auto& n : g.nodes) {
    if (n.kind == OpKind::Lstm) {
      EXPECT_EQ(attr_int(n, "num_layers"), 2);
      EXPECT_EQ(attr_float(n, "dropout"), 0.25);
      EXPECT_EQ(g.params[n.params.at("weight_ih_l1")].name, "lstm_l1/weight_ih_l0");
    }
    // Rows of the stacked states: layer 0's last step, layer 1's h and c.
    if (n.name == "first_last") {
      EXPECT_EQ(attr_int(n, "index"), 0);
    }
    if (n.name == "h" || n.name == "c") {
      EXPECT_EQ(attr_int(n, "index"), 1) << n.name;
    }
    if (n.kind == OpKind::Select) {
      EXPECT_EQ(attr_int(n, "axis"), 0) << n.name;
    }
  }
  const Written w = write(b);
  EXPECT_TRUE(
      contains(w.python, "self.lstm = nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.25)"))
      << w.python;
  EXPECT_EQ(target_of(w, g, "lstm_l1/weight_ih_l0"), "lstm.weight_ih_l1");
  EXPECT_EQ(target_of(w, g, "lstm/weight_hh_l0"), "lstm.weight_hh_l0");
}

TEST(SourceNames, LayersNotNamedAsAStackStaySeparate) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 5, 3});
  auto first = lstm_layer(b, "lstm", x, 3, nullptr);
  auto second = lstm_layer(b, "lstm_2", first, 4, nullptr);
  b.output(second);
  EXPECT_EQ(passes::merge_stacked_recurrent(b.model), 0);
  EXPECT_EQ(count_kind(b.graph(), OpKind::Lstm), 2u);
}

TEST(SourceNames, NumberedChainIsAnNnSequentialSubclass) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 6});
  auto l0 = b.op(OpKind::Linear, "linear_0", {x},
                 {{"in_features", int64_t{6}}, {"out_features", int64_t{5}}}, {"weight", "bias"});
  // Dense(activation="tanh"): the activation is item 1, inside layer linear_0.
  auto t = b.op(OpKind::Tanh, "tanh", {l0});
  b.graph().nodes.back().module_path = "linear_0";
  auto l2 = b.op(OpKind::Linear, "linear_2", {t},
                 {{"in_features", int64_t{5}}, {"out_features", int64_t{2}}}, {"weight", "bias"});
  b.output(l2);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python,
                       "class Net(nn.Sequential):\n    def __init__(self):\n"
                       "        super().__init__(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2))\n"))
      << w.python;
  EXPECT_EQ(target_of(w, b.graph(), "linear_2.weight"), "2.weight");
  EXPECT_EQ(target_of(w, b.graph(), "linear_0.bias"), "0.bias");
}

TEST(SourceNames, StoredTensorOfASubmoduleIsNestedAndABufferStaysOne) {
  GraphBuilder b;
  auto x = b.input("x", {kBatch, 3, 4});
  auto a =
      b.op(OpKind::AddParam, "enc.pe", {x}, {{"shape", std::vector<int64_t>{1, 3, 4}}}, {"value"});
  b.graph().params.back().buffer = true;
  auto d = b.op(OpKind::Dropout, "enc.dropout", {a}, {{"rate", 0.1}}, {});
  b.graph().nodes.back().module_path = "enc.dropout";
  b.output(d);
  const Written w = write(b);
  EXPECT_TRUE(contains(w.python, "self.enc.register_buffer(\"pe\", torch.zeros((1, 3, 4)))"))
      << w.python;
  EXPECT_EQ(target_of(w, b.graph(), "enc.pe.value"), "enc.pe");
}

}  // namespace
