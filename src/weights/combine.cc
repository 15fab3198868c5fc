// Sum / stack of converted tensors (see combine.h).
#include "weights/combine.h"

#include <cstring>

namespace nnport::weights {

std::optional<Tensor> combine_tensors(const std::vector<Tensor>& parts,
                                      pivot::WeightSlot::Combine how, std::string& error) {
  if (parts.empty()) {
    error = "nothing to combine";
    return std::nullopt;
  }
  for (const auto& p : parts) {
    if (p.shape != parts[0].shape || p.dtype != parts[0].dtype ||
        p.bytes.size() != parts[0].bytes.size()) {
      error = "parts differ in shape or dtype: " + pivot::shape_to_string(parts[0].shape) + " vs " +
              pivot::shape_to_string(p.shape);
      return std::nullopt;
    }
  }
  Tensor out;
  out.dtype = parts[0].dtype;
  if (how == pivot::WeightSlot::Combine::Stack) {
    // Row-major: stacking along a new first axis is concatenating the element bytes.
    out.shape = parts[0].shape;
    out.shape.insert(out.shape.begin(), static_cast<int64_t>(parts.size()));
    for (const auto& p : parts) out.bytes.insert(out.bytes.end(), p.bytes.begin(), p.bytes.end());
    return out;
  }
  if (out.dtype != pivot::DType::Float32) {
    error = "only float32 tensors can be summed";
    return std::nullopt;
  }
  out.shape = parts[0].shape;
  const size_t n = parts[0].bytes.size() / sizeof(float);
  std::vector<float> sum(n, 0.0f);
  for (const auto& p : parts) {
    std::vector<float> values(n);
    std::memcpy(values.data(), p.bytes.data(), n * sizeof(float));
    for (size_t i = 0; i < n; ++i) sum[i] += values[i];
  }
  out.bytes.resize(n * sizeof(float));
  std::memcpy(out.bytes.data(), sum.data(), n * sizeof(float));
  return out;
}

std::optional<Tensor> reorder_blocks(const Tensor& input, const std::vector<int64_t>& order,
                                     std::string& error) {
  const auto blocks = static_cast<int64_t>(order.size());
  if (input.shape.empty() || blocks == 0 || input.shape[0] % blocks != 0) {
    error = "cannot cut the first axis of " + pivot::shape_to_string(input.shape) + " into " +
            std::to_string(blocks) + " blocks";
    return std::nullopt;
  }
  std::vector<bool> seen(order.size(), false);
  for (int64_t b : order) {
    if (b < 0 || b >= blocks || seen[static_cast<size_t>(b)]) {
      error = "block order is not a permutation";
      return std::nullopt;
    }
    seen[static_cast<size_t>(b)] = true;
  }
  // Row-major: each block of the first axis is one contiguous run of bytes.
  const size_t block_bytes = input.bytes.size() / order.size();
  Tensor out{input.dtype, input.shape, {}};
  out.bytes.reserve(input.bytes.size());
  for (int64_t b : order) {
    const auto begin =
        input.bytes.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(b) * block_bytes);
    out.bytes.insert(out.bytes.end(), begin, begin + static_cast<std::ptrdiff_t>(block_bytes));
  }
  return out;
}

}  // namespace nnport::weights
