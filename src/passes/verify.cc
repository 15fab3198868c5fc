// Verifier: one producer per value, inputs defined before use, attribute types and required
// attributes as the catalog declares, arity, parameter references in range, callees exist.
#include "passes/verify.h"

#include <fmt/format.h>

#include "pivot/ops/catalog.h"

namespace nnport::passes {
namespace {

void verify_graph(const pivot::Model& model, const pivot::ModuleDef& module,
                  std::vector<std::string>& problems) {
  const pivot::Graph& g = module.graph;
  std::vector<bool> defined(g.values.size(), false);
  auto where = [&](const pivot::Node& n) {
    return fmt::format("{}: node '{}'", module.name, n.name);
  };
  for (const auto& p : g.inputs) {
    if (p.value >= g.values.size()) {
      problems.push_back(module.name + ": input out of range");
      continue;
    }
    defined[p.value] = true;
  }
  for (const auto& n : g.nodes) {
    const auto& op = pivot::schema(n.kind);
    const int arity = static_cast<int>(n.inputs.size());
    if (arity < op.min_inputs || (op.max_inputs >= 0 && arity > op.max_inputs))
      problems.push_back(fmt::format("{} ({}) has {} inputs", where(n), op.name, arity));
    for (auto in : n.inputs) {
      if (in >= g.values.size())
        problems.push_back(where(n) + " uses a value out of range");
      else if (!defined[in])
        problems.push_back(
            fmt::format("{} uses %{} before it is defined", where(n), g.values[in].name));
    }
    for (auto out : n.outputs) {
      if (out >= g.values.size()) {
        problems.push_back(where(n) + " defines a value out of range");
        continue;
      }
      if (defined[out])
        problems.push_back(fmt::format("{} redefines %{}", where(n), g.values[out].name));
      defined[out] = true;
    }
    for (const auto& spec : op.attrs) {
      auto it = n.attrs.find(spec.name);
      if (it == n.attrs.end()) {
        if (spec.required)
          problems.push_back(fmt::format("{} lacks required attribute {}", where(n), spec.name));
        continue;
      }
      if (!std::holds_alternative<std::monostate>(it->second) &&
          !pivot::attr_matches(it->second, spec.type))
        problems.push_back(fmt::format("{} attribute {} is not {}", where(n), spec.name,
                                       pivot::attr_type_name(spec.type)));
    }
    for (const auto& [key, value] : n.attrs)
      if (!op.find_attr(key))
        problems.push_back(fmt::format("{} has unknown attribute {}", where(n), key));
    for (const auto& [role, id] : n.params) {
      if (!op.find_param(role))
        problems.push_back(fmt::format("{} has unknown parameter role {}", where(n), role));
      if (id >= g.params.size())
        problems.push_back(where(n) + " references a parameter out of range");
    }
    if (n.kind == pivot::OpKind::Call) {
      const auto& callee = pivot::attr_string(n, "callee");
      if (!model.find_module(callee))
        problems.push_back(where(n) + " calls unknown module " + callee);
    }
  }
  for (const auto& p : g.outputs)
    if (p.value >= g.values.size() || !defined[p.value])
      problems.push_back(module.name + ": output " + p.name + " is not defined");
}

}  // namespace

std::vector<std::string> verify(const pivot::Model& model) {
  std::vector<std::string> problems;
  if (model.modules.empty())
    problems.push_back("model has no modules");
  else if (model.entry >= model.modules.size())
    problems.push_back("entry module out of range");
  for (const auto& module : model.modules) verify_graph(model, module, problems);
  return problems;
}

}  // namespace nnport::passes
