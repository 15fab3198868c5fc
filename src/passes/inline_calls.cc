// Inlining of module calls (see inline_calls.h).
#include "passes/inline_calls.h"

#include <map>

#include "pivot/ops/catalog.h"

namespace nnport::passes {
namespace {

using pivot::Graph;
using pivot::ValueId;

class Inliner {
 public:
  Inliner(const pivot::Model& model, DiagnosticEngine& diags) : model_(model), diags_(diags) {}

  bool run(const Graph& entry, Graph& out) {
    std::vector<ValueId> map(entry.values.size(), 0);
    for (const auto& port : entry.inputs) {
      map[port.value] = out.add_value(entry.values[port.value].name, entry.values[port.value].type);
      out.inputs.push_back({port.name, map[port.value], port.source_to_target_perm});
    }
    if (!splice(entry, "", map, out, 0)) return false;
    for (const auto& port : entry.outputs)
      out.outputs.push_back({port.name, map[port.value], port.source_to_target_perm});
    return true;
  }

 private:
  const pivot::Model& model_;
  DiagnosticEngine& diags_;
  std::map<std::string, pivot::ParamId> params_by_name_;

  static std::string join(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
  }

  // Copies g's nodes into `out`; `map` already holds g's inputs.
  bool splice(const Graph& g, const std::string& prefix, std::vector<ValueId>& map, Graph& out,
              int depth) {
    if (depth > 64) {
      diags_.error(Code::UnsupportedSyntax,
                   g.nodes.empty() ? SourceLocation{} : g.nodes[0].location)
          << "module calls nest too deeply (recursive module?)";
      return false;
    }
    for (const auto& node : g.nodes) {
      if (node.kind == pivot::OpKind::Call) {
        const std::string& callee_name = pivot::attr_string(node, "callee");
        const pivot::ModuleDef* callee = model_.find_module(callee_name);
        if (!callee || callee->graph.inputs.size() != node.inputs.size() ||
            callee->graph.outputs.size() != node.outputs.size()) {
          diags_.error(Code::VerifierFailure, node.location)
              << "call of '" << callee_name << "' does not match its definition";
          return false;
        }
        const std::string instance =
            join(prefix, node.module_path.empty() ? node.name : node.module_path);
        std::vector<ValueId> inner(callee->graph.values.size(), 0);
        for (size_t i = 0; i < node.inputs.size(); ++i)
          inner[callee->graph.inputs[i].value] = map[node.inputs[i]];
        if (!splice(callee->graph, instance, inner, out, depth + 1)) return false;
        for (size_t i = 0; i < node.outputs.size(); ++i)
          map[node.outputs[i]] = inner[callee->graph.outputs[i].value];
        continue;
      }
      pivot::Node copy = node;
      copy.name = join(prefix, node.name);
      if (!node.module_path.empty()) copy.module_path = join(prefix, node.module_path);
      copy.inputs.clear();
      for (ValueId v : node.inputs) copy.inputs.push_back(map[v]);
      copy.outputs.clear();
      for (ValueId v : node.outputs) {
        std::string name = g.values[v].name;
        if (!prefix.empty()) name = prefix + "_" + name;
        for (char& c : name)
          if (c == '.') c = '_';
        map[v] = out.add_value(name, g.values[v].type);
        copy.outputs.push_back(map[v]);
      }
      for (auto& [role, id] : copy.params) {
        pivot::Param p = g.params[id];
        p.name = join(prefix, p.name);
        // Blocks of one stored tensor (MultiheadAttention's in_proj_weight) are distinct params.
        const std::string key =
            p.source_slice ? p.name + "[" + std::to_string(p.source_slice->start) + "]" : p.name;
        auto it = params_by_name_.find(key);
        if (it == params_by_name_.end()) it = params_by_name_.emplace(key, out.add_param(p)).first;
        id = it->second;
      }
      out.nodes.push_back(std::move(copy));
    }
    return true;
  }
};

}  // namespace

bool inline_calls(pivot::Model& model, DiagnosticEngine& diags) {
  Graph flat;
  Inliner inliner(model, diags);
  if (!inliner.run(model.entry_module().graph, flat)) return false;
  model.entry_module().graph = std::move(flat);
  return true;
}

}  // namespace nnport::passes
