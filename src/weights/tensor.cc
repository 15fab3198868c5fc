// Layout operations on weight tensors: permutation, recorded transforms, float32 conversion.
#include "weights/tensor.h"

#include "weights/layout_map.h"

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace nnport::weights {

// Checkpoint and HDF5 bytes are little-endian and are reinterpreted with memcpy here.
static_assert(std::endian::native == std::endian::little,
              "weight conversion assumes a little-endian host");

namespace {

// Checks that `perm` is a permutation of 0..rank-1.
bool is_permutation_of(std::span<const int64_t> perm, size_t rank) {
  if (perm.size() != rank) return false;
  std::vector<bool> seen(rank, false);
  for (int64_t axis : perm) {
    if (axis < 0 || static_cast<uint64_t>(axis) >= rank) return false;
    if (seen[static_cast<size_t>(axis)]) return false;
    seen[static_cast<size_t>(axis)] = true;
  }
  return true;
}

float float_from_bits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// IEEE binary16 -> binary32 bit pattern; every half value is exactly representable.
uint32_t half_to_float_bits(uint16_t half) {
  uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1fu;
  uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0) {
    if (mantissa == 0) return sign;
    // Subnormal half: normalise it, float32 has the range to hold it as a normal number.
    uint32_t shift = 0;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      ++shift;
    }
    mantissa &= 0x3ffu;
    return sign | ((113u - shift) << 23) | (mantissa << 13);
  }
  if (exponent == 31) return sign | 0x7f800000u | (mantissa << 13);  // inf / NaN with payload
  return sign | ((exponent + 112u) << 23) | (mantissa << 13);
}

// double -> float with round-to-nearest; out-of-range values become +-inf (or +-FLT_MAX when
// they round down to it) instead of the undefined behaviour of a plain cast.
float narrow_to_float(double value) {
  if (std::isfinite(value) && std::fabs(value) > static_cast<double>(FLT_MAX)) {
    // Half an ulp above FLT_MAX is the rounding boundary to infinity.
    const double boundary = static_cast<double>(FLT_MAX) + std::ldexp(1.0, 103);
    float magnitude =
        std::fabs(value) < boundary ? FLT_MAX : std::numeric_limits<float>::infinity();
    return std::signbit(value) ? -magnitude : magnitude;
  }
  return static_cast<float>(value);
}

}  // namespace

std::optional<uint64_t> element_count(std::span<const int64_t> shape, size_t element_size) {
  uint64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    uint64_t d = static_cast<uint64_t>(dim);
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / d) return std::nullopt;
    count *= d;
  }
  if (element_size != 0 && count > std::numeric_limits<uint64_t>::max() / element_size)
    return std::nullopt;
  return count;
}

Tensor copy_tensor(const TensorView& view) {
  Tensor out;
  out.dtype = view.dtype;
  out.shape = view.shape;
  out.bytes.assign(view.bytes.begin(), view.bytes.end());
  return out;
}

std::optional<Tensor> permute_axes(const TensorView& input, std::span<const int64_t> perm,
                                   std::string& error) {
  LayoutMap map(input, error);
  if (!error.empty() || !map.permute(perm, error)) return std::nullopt;
  return map.materialize();
}

std::optional<Tensor> apply_transform(const TensorView& input,
                                      const pivot::WeightTransform& transform, std::string& error) {
  auto axis = pivot::normalize_axis(transform.axis, input.shape.size());
  if (!axis) {
    error = fmt::format("transform axis {} is out of range for shape {}", transform.axis,
                        pivot::shape_to_string(input.shape));
    return std::nullopt;
  }
  auto split_count = element_count(transform.split);
  if (transform.split.empty() || !split_count ||
      *split_count != static_cast<uint64_t>(input.shape[*axis])) {
    error = fmt::format("transform splits axis {} of size {} into [{}]", *axis, input.shape[*axis],
                        fmt::join(transform.split, ", "));
    return std::nullopt;
  }
  if (!is_permutation_of(transform.perm, transform.split.size())) {
    error = fmt::format("transform permutation [{}] does not fit the split [{}]",
                        fmt::join(transform.perm, ", "), fmt::join(transform.split, ", "));
    return std::nullopt;
  }

  // View the axis as its sub-axes (a reshape, so the bytes stay as they are), permute the
  // sub-axes in place among the other axes, then merge them back.
  TensorView expanded = input;
  expanded.shape.clear();
  expanded.shape.insert(expanded.shape.end(), input.shape.begin(),
                        input.shape.begin() + static_cast<std::ptrdiff_t>(*axis));
  expanded.shape.insert(expanded.shape.end(), transform.split.begin(), transform.split.end());
  expanded.shape.insert(expanded.shape.end(),
                        input.shape.begin() + static_cast<std::ptrdiff_t>(*axis) + 1,
                        input.shape.end());
  std::vector<int64_t> full_perm(expanded.shape.size());
  std::iota(full_perm.begin(), full_perm.end(), int64_t{0});
  const int64_t first = static_cast<int64_t>(*axis);
  for (size_t i = 0; i < transform.perm.size(); ++i)
    full_perm[*axis + i] = first + transform.perm[i];

  auto permuted = permute_axes(expanded, full_perm, error);
  if (!permuted) return std::nullopt;
  permuted->shape = input.shape;
  return permuted;
}

std::optional<Tensor> to_float32(const TensorView& input, uint64_t& changed_values) {
  changed_values = 0;
  if (!pivot::is_floating(input.dtype)) return std::nullopt;
  if (input.dtype == pivot::DType::Float32) return copy_tensor(input);
  Tensor out;
  out.dtype = pivot::DType::Float32;
  out.shape = input.shape;
  out.bytes.resize(input.bytes.size() / pivot::dtype_size(input.dtype) * sizeof(float));
  if (!convert_to_float32(input.dtype, input.bytes, out.bytes.data(), changed_values))
    return std::nullopt;
  return out;
}

bool convert_to_float32(pivot::DType dtype, std::span<const std::byte> input, std::byte* out,
                        uint64_t& changed_values) {
  if (!pivot::is_floating(dtype)) return false;
  const size_t in_size = pivot::dtype_size(dtype);
  const size_t count = input.size() / in_size;
  if (dtype == pivot::DType::Float32) {
    if (count > 0) std::memcpy(out, input.data(), count * sizeof(float));
    return true;
  }
  for (size_t i = 0; i < count; ++i) {
    const std::byte* source = input.data() + i * in_size;
    float value = 0.0f;
    switch (dtype) {
      case pivot::DType::Float16: {
        uint16_t bits;
        std::memcpy(&bits, source, sizeof bits);
        value = float_from_bits(half_to_float_bits(bits));
        break;
      }
      case pivot::DType::BFloat16: {
        uint16_t bits;
        std::memcpy(&bits, source, sizeof bits);
        value =
            float_from_bits(static_cast<uint32_t>(bits) << 16);  // bfloat16 is float32's top half
        break;
      }
      case pivot::DType::Float64: {
        double wide;
        std::memcpy(&wide, source, sizeof wide);
        value = narrow_to_float(wide);
        bool both_nan = std::isnan(wide) && std::isnan(value);
        if (!both_nan && static_cast<double>(value) != wide) ++changed_values;
        break;
      }
      default: return false;
    }
    std::memcpy(out + i * sizeof(float), &value, sizeof value);
  }
  return true;
}

std::optional<Tensor> slice_axis(const TensorView& input, int64_t axis, int64_t start,
                                 int64_t length, std::string& error) {
  auto a = pivot::normalize_axis(axis, input.shape.size());
  if (!a || start < 0 || length < 0 || start + length > input.shape[*a]) {
    error = fmt::format("cannot take [{}, {}) of axis {} of shape {}", start, start + length, axis,
                        pivot::shape_to_string(input.shape));
    return std::nullopt;
  }
  // Row-major: the tensor is `outer` blocks of (axis size * inner) elements; each block
  // contributes its rows [start, start + length).
  const size_t elem = pivot::dtype_size(input.dtype);
  uint64_t outer = 1;
  uint64_t inner = 1;
  for (size_t i = 0; i < *a; ++i) outer *= static_cast<uint64_t>(input.shape[i]);
  for (size_t i = *a + 1; i < input.shape.size(); ++i)
    inner *= static_cast<uint64_t>(input.shape[i]);
  const uint64_t row = inner * elem;
  const uint64_t block = static_cast<uint64_t>(input.shape[*a]) * row;
  Tensor out;
  out.dtype = input.dtype;
  out.shape = input.shape;
  out.shape[*a] = length;
  out.bytes.resize(static_cast<size_t>(outer * static_cast<uint64_t>(length) * row));
  for (uint64_t o = 0; o < outer; ++o)
    std::memcpy(out.bytes.data() + o * static_cast<uint64_t>(length) * row,
                input.bytes.data() + o * block + static_cast<uint64_t>(start) * row,
                static_cast<size_t>(static_cast<uint64_t>(length) * row));
  return out;
}

}  // namespace nnport::weights
