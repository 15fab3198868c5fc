// Inputs and outputs of the migrated model as the training script sees them (model_ports.h).
#include "writers/pytorch/model_ports.h"

#include <cctype>
#include <set>

namespace nnport::writers::pytorch {
namespace {

bool identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  // Names the generated loop uses itself.
  static const std::set<std::string> taken = {"inputs",  "targets", "outputs", "loss", "model",
                                              "metrics", "totals",  "seen",    "epoch"};
  return !taken.count(s);
}

std::string permute_text(const std::vector<int64_t>& perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity = identity && perm[i] == static_cast<int64_t>(i);
  if (identity) return "";
  std::string out = ".permute(";
  for (size_t i = 0; i < perm.size(); ++i) out += (i ? ", " : "") + std::to_string(perm[i]);
  return out + ")";
}

}  // namespace

std::vector<ModelInput> model_inputs(const pivot::Graph& graph) {
  std::vector<ModelInput> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const auto& port = graph.inputs[i];
    ModelInput in;
    const std::string& name = graph.values[port.value].name;
    in.name = identifier(name) && seen.insert(name).second ? name : "input_" + std::to_string(i);
    in.dtype =
        pivot::is_floating(graph.values[port.value].type.dtype) ? "torch.float32" : "torch.long";
    in.permute = permute_text(port.source_to_target_perm);
    out.push_back(std::move(in));
  }
  return out;
}

std::string output_to_source(const pivot::Graph& graph) {
  if (graph.outputs.size() != 1) return "";
  const auto& perm = graph.outputs[0].source_to_target_perm;
  // target = source.permute(perm): source = target.permute(inverse).
  std::vector<int64_t> inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] >= 0 && static_cast<size_t>(perm[i]) < perm.size())
      inverse[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return permute_text(inverse);
}

}  // namespace nnport::writers::pytorch
