// A PyTorch buffer (register_buffer) through PyTorch -> Keras -> PyTorch: the reader marks it,
// the Keras code holds it as a non-trainable weight in its source layout (AddParameter with
// perm= and trainable=False), and the way back registers it as a buffer of the original shape.
#include <gtest/gtest.h>

#include "passes/pipeline.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/reader.h"
#include "readers/pytorch/reader.h"
#include "writers/keras/writer.h"
#include "writers/pytorch/writer.h"

using namespace nnport;
using pivot::OpKind;

namespace {

// The classic sequence-first recipe: a (T, 1, E) positional encoding over (T, N, E) data.
std::string seq_first_source(const std::string& stored) {
  return R"(import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(30, 8)
        pe = torch.zeros(20, 8)
        pe = pe.unsqueeze(0).transpose(0, 1)
)" + stored +
         R"(
        self.decoder = nn.Linear(8, 3)

    def forward(self, src):
        src = src.transpose(0, 1)
        x = self.embedding(src)
        x = x + self.pe[:x.size(0)]
        return self.decoder(x.mean(dim=0))
)";
}

const std::string kBuffer = "        self.register_buffer(\"pe\", pe)";
const std::string kParameter = "        self.pe = nn.Parameter(pe)";

readers::ReadOptions ids_input() {
  readers::ReadOptions o;
  o.inputs.push_back(
      readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 9}, pivot::DType::Int64});
  return o;
}

const pivot::Node* find_kind(const pivot::Graph& g, OpKind kind) {
  for (const auto& n : g.nodes)
    if (n.kind == kind) return &n;
  return nullptr;
}

std::string dump(const DiagnosticEngine& diags) {
  std::string out;
  for (const auto& d : diags.diagnostics()) out += format_diagnostic(d) + "\n";
  return out;
}

struct RoundTrip {
  std::string keras;    // the generated Keras module
  std::string pytorch;  // the PyTorch module written back from it
  std::optional<pivot::Param> source_param, keras_param;
  std::vector<int64_t> keras_perm;
};

RoundTrip round_trip(const std::string& source) {
  RoundTrip out;
  DiagnosticEngine diags;
  auto model = readers::read_pytorch("model.py", source, ids_input(), diags);
  EXPECT_TRUE(model) << dump(diags);
  if (!model) return out;
  if (const auto* add = find_kind(model->entry_module().graph, OpKind::AddParam))
    out.source_param = model->entry_module().graph.params.at(add->params.at("value"));
  EXPECT_TRUE(passes::prepare_for_channels_last(*model, diags)) << dump(diags);
  auto keras = writers::keras::write_keras(*model, {}, diags);
  EXPECT_TRUE(keras) << dump(diags);
  if (!keras) return out;
  out.keras = keras->python;

  DiagnosticEngine back_diags;
  auto back = readers::read_keras("model_keras.py", keras->python, {}, back_diags);
  EXPECT_TRUE(back) << dump(back_diags);
  if (!back) return out;
  EXPECT_EQ(back_diags.error_count(), 0u) << dump(back_diags);
  if (const auto* add = find_kind(back->entry_module().graph, OpKind::AddParam)) {
    out.keras_param = back->entry_module().graph.params.at(add->params.at("value"));
    out.keras_perm = pivot::attr_ints(*add, "perm");
  }
  EXPECT_TRUE(passes::prepare_for_channels_first(*back, back_diags)) << dump(back_diags);
  auto pytorch = writers::pytorch::write_pytorch(*back, {"model.py"}, back_diags);
  EXPECT_TRUE(pytorch) << dump(back_diags);
  if (pytorch) out.pytorch = pytorch->python;
  return out;
}

TEST(StoredBuffer, SequenceFirstBufferKeepsItsLayoutAndKindThroughKeras) {
  const RoundTrip rt = round_trip(seq_first_source(kBuffer));
  ASSERT_TRUE(rt.source_param);
  EXPECT_TRUE(rt.source_param->buffer);
  EXPECT_EQ(rt.source_param->shape, (std::vector<int64_t>{20, 1, 8}));
  // Keras: the (T, 1, E) tensor as stored, permuted where it is added, not trained.
  EXPECT_NE(rt.keras.find("perm=(1, 0, 2), trainable=False, name=\"pe\""), std::string::npos)
      << rt.keras;
  EXPECT_NE(rt.keras.find("(20, 1, 8)"), std::string::npos) << rt.keras;
  ASSERT_TRUE(rt.keras_param);
  EXPECT_TRUE(rt.keras_param->buffer);
  EXPECT_EQ(rt.keras_param->shape, (std::vector<int64_t>{20, 1, 8}));
  EXPECT_TRUE(rt.keras_param->source_perm.empty());
  EXPECT_EQ(rt.keras_perm, (std::vector<int64_t>{1, 0, 2}));
  // Back in PyTorch: a buffer of the source's shape, transposed where it is added.
  EXPECT_NE(rt.pytorch.find("register_buffer(\"pe\", torch.zeros((20, 1, 8)))"), std::string::npos)
      << rt.pytorch;
  EXPECT_NE(rt.pytorch.find("self.pe[:embedding.size(1)].transpose(0, 1)"), std::string::npos)
      << rt.pytorch;
}

TEST(StoredBuffer, ParameterStaysTrainable) {
  const RoundTrip rt = round_trip(seq_first_source(kParameter));
  ASSERT_TRUE(rt.source_param);
  EXPECT_FALSE(rt.source_param->buffer);
  EXPECT_NE(rt.keras.find("perm=(1, 0, 2), name=\"pe\""), std::string::npos) << rt.keras;
  ASSERT_TRUE(rt.keras_param);
  EXPECT_FALSE(rt.keras_param->buffer);
  EXPECT_NE(rt.pytorch.find("nn.Parameter(torch.zeros((20, 1, 8)))"), std::string::npos)
      << rt.pytorch;
}

TEST(StoredBuffer, NonPersistentBufferIsReported) {
  DiagnosticEngine diags;
  readers::read_pytorch(
      "model.py", seq_first_source("        self.register_buffer(\"pe\", pe, persistent=False)"),
      ids_input(), diags);
  bool reported = false;
  for (const auto& d : diags.diagnostics())
    reported = reported || (d.code == Code::UnsupportedOperation &&
                            d.message.find("non-persistent") != std::string::npos);
  EXPECT_TRUE(reported) << dump(diags);
}

// The batch-first spelling of the same recipe reads back as the op's perm.
TEST(StoredBuffer, TransposedStoredTensorIsThePermOfTheOp) {
  const std::string source = R"(import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        pe = torch.zeros(20, 1, 8)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[:x.size(1)].transpose(0, 1)
)";
  readers::ReadOptions o;
  o.inputs.push_back(readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 9, 8}, std::nullopt});
  DiagnosticEngine diags;
  auto model = readers::read_pytorch("model.py", source, o, diags);
  ASSERT_TRUE(model) << dump(diags);
  EXPECT_EQ(diags.error_count(), 0u) << dump(diags);
  const auto& g = model->entry_module().graph;
  const auto* add = find_kind(g, OpKind::AddParam);
  ASSERT_TRUE(add);
  EXPECT_EQ(pivot::attr_ints(*add, "perm"), (std::vector<int64_t>{1, 0, 2}));
  EXPECT_EQ(pivot::attr_int(*add, "slice_axis"), 0);
  EXPECT_TRUE(g.params.at(add->params.at("value")).buffer);
  EXPECT_EQ(g.values[add->outputs[0]].type.shape, (std::vector<int64_t>{pivot::kBatch, 9, 8}));
}

}  // namespace
