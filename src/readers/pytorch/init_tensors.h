// Shapes of tensors built in __init__ (torch.zeros / arange / exp / sin, .unsqueeze, nn.Parameter,
// ...). Stored tensors are in the state_dict, so the migration takes their values from the
// checkpoint and the reader only needs their shapes.
#pragma once

#include <functional>

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

struct InitTensor {
  std::vector<int64_t> shape = {};
  bool parameter = false;  // wrapped in nn.Parameter
  bool buffer = false;     // registered by register_buffer (persistent: in the state_dict)
};

// A tensor expression: its tensor, or why its shape is not known.
struct InitTensorOutcome {
  std::optional<InitTensor> tensor = {};
  std::string error = {};
};

using TensorLookup = std::function<const InitTensor*(std::string_view name)>;
using ConstantEval = std::function<std::optional<Constant>(Node)>;

// nullopt when `expr` is not a tensor expression (then it is a constant, module, ...).
std::optional<InitTensorOutcome> eval_init_tensor(const ImportTable& imports, Node expr,
                                                  const TensorLookup& lookup,
                                                  const ConstantEval& constant);

}  // namespace nnport::readers::pytorch
