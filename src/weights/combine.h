// Target-side weight rearrangements Keras recurrent layers need: combining several converted
// tensors into one variable (one bias where PyTorch keeps two, see pivot::WeightSlot::Combine)
// and reordering gate blocks (GRU).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pivot/weight_plan.h"
#include "weights/tensor.h"

namespace nnport::weights {

// Sum: elementwise float32 sum of same-shape tensors; Stack: a new first axis. nullopt and
// `error` set when shapes or dtypes differ.
std::optional<Tensor> combine_tensors(const std::vector<Tensor>& parts,
                                      pivot::WeightSlot::Combine how, std::string& error);

// The first axis as order.size() equal blocks; block i of the result = block order[i] of `input`.
std::optional<Tensor> reorder_blocks(const Tensor& input, const std::vector<int64_t>& order,
                                     std::string& error);

}  // namespace nnport::weights
