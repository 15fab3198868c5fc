// Recurrent layers: the catalog entries, reading nn.LSTM/GRU/RNN calls and their result forms,
// the Keras lowering (return_sequences chosen from the reads, Bidirectional) and the weight
// rearrangements Keras needs (summed / stacked biases, GRU gate reorder).
#include <cstring>

#include "passes/pipeline.h"
#include "pytorch_reader_test_util.h"
#include "weights/combine.h"
#include "writers/keras/lower_graph.h"
#include "writers/keras/writer.h"

using namespace nnport;
using namespace nnport::testing;
using pivot::OpKind;

namespace {

readers::ReadOptions shape(std::vector<int64_t> dims, pivot::DType dtype = pivot::DType::Float32) {
  readers::ReadOptions options;
  options.inputs.push_back({std::move(dims), dtype});
  return options;
}

const pivot::Node* first(const pivot::Graph& g, OpKind kind) {
  for (const auto& n : g.nodes)
    if (n.kind == kind) return &n;
  return nullptr;
}

weights::Tensor floats(std::vector<int64_t> shape, std::vector<float> values) {
  weights::Tensor t{pivot::DType::Float32, std::move(shape), {}};
  t.bytes.resize(values.size() * sizeof(float));
  std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

std::vector<float> values_of(const weights::Tensor& t) {
  std::vector<float> out(t.bytes.size() / sizeof(float));
  std::memcpy(out.data(), t.bytes.data(), t.bytes.size());
  return out;
}

constexpr const char* kBiLstm = R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(10, 2)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.fc(torch.cat((h[-2], h[-1]), dim=1))
)";

}  // namespace

TEST(Recurrent, CatalogRolesAndShapes) {
  const auto& lstm = pivot::schema(OpKind::Lstm);
  EXPECT_NE(lstm.find_param("weight_ih_l0"), nullptr);
  EXPECT_NE(lstm.find_param("bias_hh_l12_reverse"), nullptr);
  EXPECT_EQ(lstm.find_param("weight_ih_l"), nullptr);
  EXPECT_EQ(lstm.find_param("weight_ih_l0_forward"), nullptr);
  EXPECT_EQ(lstm.num_outputs, 3);
  EXPECT_EQ(pivot::schema(OpKind::Gru).num_outputs, 2);
}

TEST(Recurrent, ReadsBidirectionalStackWithStateDictParams) {
  auto r = read(kBiLstm, shape({N, 7, 6}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto* lstm = first(r->graph(), OpKind::Lstm);
  ASSERT_NE(lstm, nullptr);
  ASSERT_EQ(lstm->outputs.size(), 3u);
  const auto& g = r->graph();
  EXPECT_EQ(g.values[lstm->outputs[0]].type.shape, (std::vector<int64_t>{N, 7, 10}));
  EXPECT_EQ(g.values[lstm->outputs[1]].type.shape, (std::vector<int64_t>{4, N, 5}));
  ASSERT_EQ(lstm->params.size(), 16u);
  const auto& w = g.params[lstm->params.at("weight_ih_l1_reverse")];
  EXPECT_EQ(w.name, "lstm.weight_ih_l1_reverse");
  EXPECT_EQ(w.shape, (std::vector<int64_t>{20, 10}));  // 4 gates * 5, input = 2 directions * 5
  EXPECT_EQ(g.params[lstm->params.at("weight_ih_l0")].shape, (std::vector<int64_t>{20, 6}));
  EXPECT_EQ(g.params[lstm->params.at("bias_hh_l0")].shape, (std::vector<int64_t>{20}));
}

TEST(Recurrent, TimeMajorLayerGetsTransposesAndZeroStateIsDropped) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 8, 2)

    def forward(self, x):
        h0 = torch.zeros(2, x.size(1), 8).to(x.device)
        out, h = self.gru(x, h0)
        return out[-1]
)",
                shape({5, N, 4}));
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  const auto* gru = first(g, OpKind::Gru);
  ASSERT_NE(gru, nullptr);
  EXPECT_EQ(gru->inputs.size(), 1u);  // the zeros state equals no state
  const int producer = g.producer(gru->inputs[0]);
  ASSERT_GE(producer, 0);
  EXPECT_EQ(g.nodes[static_cast<size_t>(producer)].kind, OpKind::Transpose);
  // out[-1] of the time-major result reads the batch-first output's last step directly.
  const auto* select = first(g, OpKind::Select);
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->inputs[0], gru->outputs[0]);
  EXPECT_EQ(pivot::attr_int(*select, "axis"), 1);
  EXPECT_EQ(pivot::attr_int(*select, "index"), -1);
}

TEST(Recurrent, ProjSizeAndPackedLengthsAreReported) {
  auto r = read(R"(
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True, proj_size=2)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True)
        return x
)",
                [] {
                  readers::ReadOptions o = shape({N, 5, 4});
                  o.inputs.push_back({std::vector<int64_t>{N}, pivot::DType::Int64});
                  return o;
                }());
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 8)) << r->dump();
  EXPECT_TRUE(r->has(Code::VariableLengthSequence, 11)) << r->dump();
}

TEST(Recurrent, KerasBidirectionalReturnsFinalStatesAndPlansCellWeights) {
  auto r = read(kBiLstm, shape({N, 7, 6}));
  ASSERT_TRUE(r->model.has_value());
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::prepare_for_channels_last(*r->model, diags));
  auto records = writers::keras::lower_graph(r->model->entry_module(), false, diags);
  EXPECT_EQ(diags.error_count(), 0u);
  std::vector<std::string> classes;
  for (const auto& rec : records.records) classes.push_back(rec.class_name);
  EXPECT_EQ(classes, (std::vector<std::string>{"InputLayer", "Bidirectional", "Bidirectional", "Dense"}));
  const auto& last = records.records[2];
  ASSERT_EQ(last.args[0].value.kind, writers::keras::ArgValue::Kind::Layer);
  bool return_sequences = true;
  for (const auto& a : last.args[0].value.layer->args)
    if (a.json_key == "return_sequences") return_sequences = a.value.b;
  EXPECT_FALSE(return_sequences);  // its output IS cat(h_n[-2], h_n[-1])
  ASSERT_EQ(last.vars.size(), 6u);
  EXPECT_EQ(last.vars[0].sublayer, "forward_layer/cell");
  EXPECT_EQ(last.vars[5].sublayer, "backward_layer/cell");
  EXPECT_EQ(last.vars[2].combine_with.size(), 1u);  // bias_ih + bias_hh

  auto out = writers::keras::write_keras(*r->model, {writers::keras::Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(out.has_value());
  std::vector<std::string> targets;
  for (const auto& s : out->weights.slots) targets.push_back(s.target_name);
  EXPECT_EQ(targets.at(0), "layers/bidirectional/forward_layer/cell/vars/0");
  EXPECT_EQ(targets.at(5), "layers/bidirectional/backward_layer/cell/vars/2");
  EXPECT_EQ(targets.at(6), "layers/bidirectional_1/forward_layer/cell/vars/0");
}

TEST(Recurrent, WeightCombineAndGateReorder) {
  std::string error;
  auto sum = weights::combine_tensors({floats({3}, {1, 2, 3}), floats({3}, {10, 20, 30})},
                                      pivot::WeightSlot::Combine::Sum, error);
  ASSERT_TRUE(sum) << error;
  EXPECT_EQ(values_of(*sum), (std::vector<float>{11, 22, 33}));
  auto stack = weights::combine_tensors({floats({2}, {1, 2}), floats({2}, {3, 4})},
                                        pivot::WeightSlot::Combine::Stack, error);
  ASSERT_TRUE(stack) << error;
  EXPECT_EQ(stack->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values_of(*stack), (std::vector<float>{1, 2, 3, 4}));
  // GRU rows r, z, n (2 units each, 1 column) -> z, r, n.
  auto gates = weights::reorder_blocks(floats({6, 1}, {1, 2, 3, 4, 5, 6}), {1, 0, 2}, error);
  ASSERT_TRUE(gates) << error;
  EXPECT_EQ(values_of(*gates), (std::vector<float>{3, 4, 1, 2, 5, 6}));
  EXPECT_FALSE(weights::reorder_blocks(floats({5}, {1, 2, 3, 4, 5}), {1, 0, 2}, error));
  EXPECT_FALSE(weights::combine_tensors({floats({2}, {1, 2}), floats({3}, {1, 2, 3})},
                                        pivot::WeightSlot::Combine::Sum, error));
}
