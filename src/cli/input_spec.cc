// --input-shape / --input-dtype parsing.
#include "cli/input_spec.h"

#include <charconv>

#include <fmt/format.h>

namespace nnport::cli {

std::optional<std::vector<int64_t>> parse_input_shape(std::string_view text, std::string& error) {
  std::vector<int64_t> dims;
  if (text.empty()) {
    error = "empty input shape";
    return std::nullopt;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "N" || item == "?") {
      // The batch is usually first; a recurrent initial state (num_layers, N, hidden) has it
      // second.
      for (int64_t d : dims)
        if (d == pivot::kBatch) {
          error = fmt::format("'{}' is allowed for one (the batch) dimension only", item);
          return std::nullopt;
        }
      dims.push_back(pivot::kBatch);
    } else {
      int64_t value = 0;
      auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
      if (ec != std::errc() || ptr != item.data() + item.size() || value <= 0 ||
          value > (int64_t{1} << 40)) {
        error = fmt::format("'{}' is not a positive integer, N or ?", item);
        return std::nullopt;
      }
      dims.push_back(value);
    }
    start = comma + 1;
  }
  if (dims.size() > 8) {
    error = "more than 8 dimensions";
    return std::nullopt;
  }
  return dims;
}

std::optional<pivot::DType> parse_input_dtype(std::string_view text, std::string& error) {
  if (text == "float32") return pivot::DType::Float32;
  if (text == "float64") return pivot::DType::Float64;
  if (text == "int64") return pivot::DType::Int64;
  if (text == "int32") return pivot::DType::Int32;
  error = fmt::format("'{}' is not one of float32, float64, int64, int32", text);
  return std::nullopt;
}

}  // namespace nnport::cli
