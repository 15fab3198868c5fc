// Graph construction helpers.
#include "pivot/graph.h"

#include <unordered_set>

namespace nnport::pivot {

ValueId Graph::add_value(std::string name, TensorType type) {
  values.push_back(Value{unique_value_name(name), std::move(type)});
  return static_cast<ValueId>(values.size() - 1);
}

ParamId Graph::add_param(Param param) {
  params.push_back(std::move(param));
  return static_cast<ParamId>(params.size() - 1);
}

std::string Graph::unique_value_name(const std::string& name) const {
  std::unordered_set<std::string> taken;
  for (const auto& value : values) taken.insert(value.name);
  if (!taken.count(name)) return name;
  for (int i = 1;; ++i) {
    std::string candidate = name + "_" + std::to_string(i);
    if (!taken.count(candidate)) return candidate;
  }
}

int Graph::producer(ValueId value) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId out : nodes[i].outputs)
      if (out == value) return static_cast<int>(i);
  return -1;
}

std::vector<size_t> Graph::users(ValueId value) const {
  std::vector<size_t> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId in : nodes[i].inputs)
      if (in == value) {
        result.push_back(i);
        break;
      }
  return result;
}

const ModuleDef* Model::find_module(const std::string& name) const {
  for (const auto& module : modules)
    if (module.name == name) return &module;
  return nullptr;
}

} // namespace nnport::pivot
