// Attribute values of pivot nodes. Types are declared by the op catalog; a value's alternative
// always matches its declared type (the verifier checks it), so JSON parsing is type-driven.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace nnport::pivot {

enum class AttrType { Bool, Int, Float, String, Ints, Floats };

// monostate = "not set" (only for attributes declared optional without default).
using AttrValue = std::variant<std::monostate, bool, int64_t, double, std::string,
                               std::vector<int64_t>, std::vector<double>>;

using Attrs = std::map<std::string, AttrValue>;

std::string_view attr_type_name(AttrType type);
bool attr_matches(const AttrValue& value, AttrType type);
std::string attr_to_string(const AttrValue& value);  // readable, Python-like

}  // namespace nnport::pivot
