// Tensor types of pivot values: element type, shape with a symbolic batch dimension, layout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnport::pivot {

enum class DType : uint8_t {
  Float32,
  Float64,
  Float16,
  BFloat16,
  Int64,
  Int32,
  Int16,
  Int8,
  UInt8,
  Bool
};

std::string_view dtype_name(DType dtype);  // "float32", ...
std::optional<DType> parse_dtype(std::string_view name);
size_t dtype_size(DType dtype);
bool is_floating(DType dtype);

// Dimension sizes: >= 0 static; kBatch is the model's symbolic batch size; kUnknown is any
// other size only known at run time.
inline constexpr int64_t kUnknown = -1;
inline constexpr int64_t kBatch = -2;

struct TensorType {
  DType dtype = DType::Float32;
  std::vector<int64_t> shape;
  bool rank_known = true;
  // One letter per axis naming what the axis means (N batch, C channels, D/H/W spatial,
  // T time, F features, E embedding, '?' anything). Informative for people and for the
  // layout planner; empty when nothing is known.
  std::string layout;

  size_t rank() const { return shape.size(); }
  friend bool operator==(const TensorType&, const TensorType&) = default;
};

std::string shape_to_string(const std::vector<int64_t>& shape);  // "(N, 3, 32, 32)"

// Normalises a possibly negative axis against a rank; nullopt when out of range.
std::optional<size_t> normalize_axis(int64_t axis, size_t rank);

}  // namespace nnport::pivot
