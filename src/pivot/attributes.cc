// Attribute helpers.
#include "pivot/attributes.h"

#include <fmt/format.h>

namespace nnport::pivot {

std::string_view attr_type_name(AttrType type) {
  switch (type) {
    case AttrType::Bool: return "bool";
    case AttrType::Int: return "int";
    case AttrType::Float: return "float";
    case AttrType::String: return "string";
    case AttrType::Ints: return "ints";
    case AttrType::Floats: return "floats";
  }
  return "?";
}

bool attr_matches(const AttrValue& value, AttrType type) {
  switch (type) {
    case AttrType::Bool: return std::holds_alternative<bool>(value);
    case AttrType::Int: return std::holds_alternative<int64_t>(value);
    case AttrType::Float: return std::holds_alternative<double>(value);
    case AttrType::String: return std::holds_alternative<std::string>(value);
    case AttrType::Ints: return std::holds_alternative<std::vector<int64_t>>(value);
    case AttrType::Floats: return std::holds_alternative<std::vector<double>>(value);
  }
  return false;
}

std::string attr_to_string(const AttrValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(const std::vector<int64_t>& v) const {
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
    std::string operator()(const std::vector<double>& v) const {
      return fmt::format("[{}]", fmt::join(v, ", "));
    }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace nnport::pivot
