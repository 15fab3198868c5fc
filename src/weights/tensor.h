// Dense tensors for weight conversion: an owning Tensor, a non-owning TensorView over mapped
// file memory, and the layout operations conversion needs (axis permutation, recorded
// WeightTransforms, float32 conversion). Values are moved as raw element bytes so that every
// dtype is handled by the same code and values stay bit-identical.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/types.h"

namespace nnport::weights {

// Read-only tensor whose bytes may live in a memory-mapped file. The bytes are contiguous and
// row-major but NOT necessarily aligned for the element type: read them with memcpy only.
struct TensorView {
  pivot::DType dtype = pivot::DType::Float32;
  std::vector<int64_t> shape;
  std::span<const std::byte> bytes;
};

struct Tensor {
  pivot::DType dtype = pivot::DType::Float32;
  std::vector<int64_t> shape;
  std::vector<std::byte> bytes;  // contiguous row-major, little-endian elements

  TensorView view() const { return {dtype, shape, bytes}; }
};

// Number of elements of `shape`; nullopt when a dimension is negative or the count (or its
// size in bytes for `element_size`) overflows. Used to validate untrusted headers.
std::optional<uint64_t> element_count(std::span<const int64_t> shape, size_t element_size = 1);

// Owning copy of a view.
Tensor copy_tensor(const TensorView& view);

// result = input.permute(perm), i.e. result.shape[i] = input.shape[perm[i]]. An empty perm is
// the identity. Returns nullopt and sets `error` when `perm` is not a permutation of the axes.
std::optional<Tensor> permute_axes(const TensorView& input, std::span<const int64_t> perm,
                                   std::string& error);

// Applies one recorded rearrangement (split an axis, permute the sub-axes, merge back).
std::optional<Tensor> apply_transform(const TensorView& input,
                                      const pivot::WeightTransform& transform, std::string& error);

// result = input[start : start + length] along `axis` (a contiguous block of the stored tensor).
std::optional<Tensor> slice_axis(const TensorView& input, int64_t axis, int64_t start,
                                 int64_t length, std::string& error);

// Converts floating tensors to float32. float16/bfloat16 are exact; float64 may round, and
// `changed_values` counts the elements whose value changed (NaN stays NaN and is not counted).
// Returns nullopt for non-floating dtypes.
std::optional<Tensor> to_float32(const TensorView& input, uint64_t& changed_values);

// The same conversion on raw elements of a floating `dtype`: `out` receives
// input.size() / dtype_size(dtype) float32 values; returns false for non-floating dtypes.
bool convert_to_float32(pivot::DType dtype, std::span<const std::byte> input, std::byte* out,
                        uint64_t& changed_values);

}  // namespace nnport::weights
