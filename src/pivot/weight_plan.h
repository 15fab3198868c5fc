// Where each pivot parameter goes in the target framework's weights file. Writers produce the
// plan (they decide layer names); weight conversion executes it.
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::pivot {

struct WeightSlot {
  std::string target_name;    // e.g. "layers/conv1/vars/0" (Keras) or "conv1.weight" (PyTorch)
  ParamId param = 0;          // parameter of the graph the plan was made for
  std::vector<int64_t> perm;  // target = canonical.permute(perm); empty means identity
  // Row-major reshape after the permutation (Keras EinsumDense kernels (E, heads, head_dim));
  // empty keeps the permuted shape.
  std::vector<int64_t> shape = {};
  // Target-side reorder of equal blocks of the canonical tensor's first axis, applied before
  // `perm`: block i of the result is block block_order[i] of the canonical tensor (Keras GRU
  // gates z, r, h from PyTorch r, z, n: {1, 0, 2}). Empty: no reorder.
  std::vector<int64_t> block_order{};
  // Parameters combined with `param`, each brought to the target layout the same way: Sum adds
  // them (one Keras LSTM/SimpleRNN bias = bias_ih + bias_hh), Stack puts them along a new first
  // axis (Keras GRU reset_after bias (2, 3H) = [input bias; recurrent bias]).
  enum class Combine { Sum, Stack };
  std::vector<ParamId> combine_with{};
  Combine combine = Combine::Sum;
  // The target holds zeros shaped like `param` brought to the target layout: a tensor the
  // target framework always has but the source does not (PyTorch's bias_hh of an LSTM/RNN
  // whose source, Keras, has one bias that became bias_ih). Nothing is read for it.
  bool zeros = false;
};

struct WeightPlan {
  std::vector<WeightSlot> slots;
  // Groups the target file must contain even without tensors (Keras: weightless layers).
  std::vector<std::string> empty_groups;
};

}  // namespace nnport::pivot
