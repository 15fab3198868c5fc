// Python source spellings of argument values: floats as Python's repr() writes them, strings
// in double quotes, tuples with the one-element trailing comma.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

std::string python_float(double value);  // repr(): 0.9, 1e-05, 2.0
std::string python_string(const std::string& text);
std::string python_tuple(const std::vector<int64_t>& values);
std::string python_value(const ArgValue& value);
nlohmann::json json_value(const ArgValue& value);
// Rounds a computed value (1 - 0.1) to 15 significant digits so it prints as people write it.
double tidy_float(double value);
// A valid, readable Python identifier made from `text` ("features.0" -> "features_0").
std::string python_identifier(const std::string& text);

}  // namespace nnport::writers::keras
