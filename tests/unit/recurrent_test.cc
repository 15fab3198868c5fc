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
        packed = pack_padded_sequence(x, [5, 3], batch_first=True)
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
  EXPECT_EQ(classes,
            (std::vector<std::string>{"InputLayer", "Bidirectional", "Bidirectional", "Dense"}));
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

namespace {

constexpr const char* kGivenState = R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x, h0, c0):
        out, (h, c) = self.lstm(x, (h0, c0))
        return self.fc(c[-1])
)";

readers::ReadOptions given_state_shapes() {
  readers::ReadOptions o = shape({5, N, 4});
  o.inputs.push_back({std::vector<int64_t>{4, N, 6}, pivot::DType::Float32});
  o.inputs.push_back({std::vector<int64_t>{4, N, 6}, pivot::DType::Float32});
  return o;
}

}  // namespace

TEST(Recurrent, GivenInitialStatesBecomeBatchFirstInputs) {
  auto r = read(kGivenState, given_state_shapes());
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  const auto* lstm = first(g, OpKind::Lstm);
  ASSERT_NE(lstm, nullptr);
  ASSERT_EQ(lstm->inputs.size(), 3u);
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(g.values[lstm->inputs[i]].type.shape, (std::vector<int64_t>{N, 4, 6}));
    const int producer = g.producer(lstm->inputs[i]);
    ASSERT_GE(producer, 0);
    EXPECT_EQ(g.nodes[static_cast<size_t>(producer)].kind, OpKind::Transpose);
    EXPECT_EQ(g.nodes[static_cast<size_t>(producer)].inputs[0], g.inputs[i].value);
  }
}

TEST(Recurrent, KerasInitialStatesAndCellStateRead) {
  auto r = read(kGivenState, given_state_shapes());
  ASSERT_TRUE(r->model.has_value());
  DiagnosticEngine diags;
  ASSERT_TRUE(passes::prepare_for_channels_last(*r->model, diags));
  const auto& planned = r->model->entry_module().graph;
  // Every input is fed batch-first: (T, N, F) and (layers*dirs, N, H) move their batch axis.
  for (const auto& port : planned.inputs)
    EXPECT_EQ(port.source_to_target_perm, (std::vector<int64_t>{1, 0, 2}));
  auto records = writers::keras::lower_graph(r->model->entry_module(), false, diags);
  EXPECT_EQ(diags.error_count(), 0u);
  std::vector<const writers::keras::LayerRecord*> rnns;
  int state_slices = 0;
  for (const auto& rec : records.records) {
    if (rec.class_name == "Bidirectional") rnns.push_back(&rec);
    if (rec.class_name == "SlicingOpLambda") ++state_slices;
  }
  EXPECT_EQ(state_slices, 8);  // h0[:, k], c0[:, k] for 2 layers x 2 directions
  ASSERT_EQ(rnns.size(), 2u);
  for (const auto* rec : rnns) {
    EXPECT_EQ(rec->inputs.size(), 5u);  // x, h_f, c_f, h_b, c_b
    EXPECT_EQ(rec->list_keyword, "initial_state");
  }
  // c[-1] is the last layer's backward cell state: output 4 of [out, h_f, c_f, h_b, c_b].
  EXPECT_TRUE(rnns[0]->extra_outputs.empty());
  ASSERT_EQ(rnns[1]->extra_outputs.size(), 4u);
  EXPECT_TRUE(rnns[1]->extra_outputs[2].empty());
  ASSERT_FALSE(rnns[1]->extra_outputs[3].empty());
  const auto& dense = records.records.back();
  EXPECT_EQ(dense.class_name, "Dense");
  EXPECT_EQ(records.resolve(dense.inputs[0]), rnns[1]->extra_outputs[3]);
  bool return_state = false;
  for (const auto& a : rnns[1]->args[0].value.layer->args)
    if (a.json_key == "return_state") return_state = a.value.b && a.in_python;
  EXPECT_TRUE(return_state);

  auto out = writers::keras::write_keras(*r->model, {writers::keras::Api::Keras3, "net.py"}, diags);
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(out->python.find("initial_state=["), std::string::npos) << out->python;
  EXPECT_NE(out->python.find(", _, c_n_backward = "), std::string::npos) << out->python;
  // The Dense reads tensor 4 of the Bidirectional call.
  const std::string json = out->config.dump();
  EXPECT_NE(json.find("[\"lstm_l1\",0,4,{}]"), std::string::npos) << json;
}

TEST(Recurrent, UnmappableInitialStatesAreReported) {
  auto r = read(R"(
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.gru = nn.GRU(4, 6, batch_first=True)

    def forward(self, x, h0):
        a, _ = self.lstm(x, (h0, torch.zeros(1, x.size(0), 6)))
        b, _ = self.gru(x, h0[:, :, :3])
        return a + b
)",
                [] {
                  readers::ReadOptions o = shape({N, 5, 4});
                  o.inputs.push_back({std::vector<int64_t>{1, N, 6}, pivot::DType::Float32});
                  return o;
                }());
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 12)) << r->dump();  // zeros mixed with a tensor
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 13)) << r->dump();  // (1, N, 3) is not (1, N, 6)
}

TEST(Recurrent, PackedLengthsBecomeAMaskAndZeroedSteps) {
  auto r = read(R"(
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)

    def forward(self, x, lengths):
        out, h = self.gru(pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False))
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=5)
        return out, h[-1]
)",
                [] {
                  readers::ReadOptions o = shape({N, 5, 4});
                  o.inputs.push_back({std::vector<int64_t>{N}, pivot::DType::Int64});
                  return o;
                }());
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_FALSE(r->has(Code::VariableLengthSequence))
      << r->dump();  // total_length = T: no truncation doubt
  const auto* gru = first(r->graph(), OpKind::Gru);
  ASSERT_NE(gru, nullptr);
  EXPECT_TRUE(pivot::attr_bool(*gru, "lengths_input"));
  ASSERT_EQ(gru->inputs.size(), 2u);
  EXPECT_EQ(gru->inputs[1], r->graph().inputs[1].value);

  DiagnosticEngine diags;
  ASSERT_TRUE(passes::prepare_for_channels_last(*r->model, diags));
  auto records = writers::keras::lower_graph(r->model->entry_module(), false, diags);
  EXPECT_EQ(diags.error_count(), 0u);
  std::vector<std::string> classes;
  for (const auto& rec : records.records) classes.push_back(rec.class_name);
  EXPECT_EQ(classes, (std::vector<std::string>{"InputLayer", "InputLayer", "SequenceMask",
                                               "Bidirectional", "ZeroPaddedSteps"}));
  EXPECT_EQ(records.custom_classes, (std::vector<std::string>{"SequenceMask", "ZeroPaddedSteps"}));
  // h[-1] (the backward final state) comes from return_state, not from the zeroed sequence.
  const auto& rnn = records.records[3];
  ASSERT_EQ(rnn.extra_outputs.size(), 2u);
  EXPECT_TRUE(rnn.extra_outputs[0].empty());
  EXPECT_EQ(records.resolve(records.output_keys[1]), rnn.extra_outputs[1]);
  EXPECT_EQ(records.resolve(records.output_keys[0]), records.records[4].output);
}
