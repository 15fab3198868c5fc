// Graph construction helpers.
#include "pivot/graph.h"

#include <algorithm>

namespace nnport::pivot {

ValueId Graph::add_value(std::string name, TensorType type) {
  values.push_back(Value{take_value_name(name), std::move(type)});
  return static_cast<ValueId>(values.size() - 1);
}

ParamId Graph::add_param(Param param) {
  params.push_back(std::move(param));
  return static_cast<ParamId>(params.size() - 1);
}

std::string Graph::unique_value_name(const std::string& name) const {
  NameIndex& index = value_names_;
  if (index.indexed > values.size()) index = NameIndex{};
  for (; index.indexed < values.size(); ++index.indexed)
    index.names.reserve(values[index.indexed].name);
  return index.names.peek_unique(name);
}

std::string Graph::take_value_name(const std::string& name) {
  unique_value_name(name);  // brings the index up to date
  std::string unique = value_names_.names.make_unique(name);
  ++value_names_.indexed;  // the value about to be appended carries `unique`
  return unique;
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

}  // namespace nnport::pivot
