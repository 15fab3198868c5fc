// Parsing of --input-shape / --input-dtype values (contract: `N,3,32,32`, `?` or `N` for the
// batch dimension; dtypes float32, float64, int64, int32).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pivot/types.h"

namespace nnport::cli {

// Returns nullopt and sets `error` when malformed.
std::optional<std::vector<int64_t>> parse_input_shape(std::string_view text, std::string& error);
std::optional<pivot::DType> parse_input_dtype(std::string_view text, std::string& error);

}  // namespace nnport::cli
