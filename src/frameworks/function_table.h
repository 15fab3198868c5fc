// Tensor functions of user-defined loss and metric functions (pivot/script_function.h): each
// framework's spellings of one canonical function. The Keras table is read (several spellings
// per function: keras.ops, tf.*, keras.backend, keras.losses/metrics functions), the PyTorch
// table is written (one template per function).
#pragma once

#include <string_view>
#include <vector>

namespace nnport::frameworks {

struct FunctionRow {
  const char* canonical;  // "square", "mean", "mean_squared_error", ...
  // Keras: the qualified function read ("keras.ops.square"). PyTorch: the call written, with
  // {0}, {1} for the tensor arguments and {axis} / {keepdims} for a reduction's options.
  const char* spelling;
  // PyTorch: the spelling when the second argument is a Python number (torch.maximum takes
  // tensors only: torch.clamp(x, min=c)); Keras: unused.
  const char* with_number = nullptr;
  // A reduction: takes axis (argument 1) and keepdims (argument 2), as keras.ops.mean.
  bool reduction = false;
  // PyTorch: the spelling of a reduction over all axes (no axis given).
  const char* over_all = nullptr;
};

// Keras: a folded constant instead of a call (keras.backend.epsilon() -> 1e-07).
struct FunctionConstantRow {
  const char* spelling;
  const char* value;
};

namespace keras {
const std::vector<FunctionRow>& tensor_function_rows();
const std::vector<FunctionConstantRow>& tensor_function_constants();
}  // namespace keras

namespace pytorch {
const std::vector<FunctionRow>& tensor_function_rows();
}  // namespace pytorch

// The row of `spelling` (Keras) or of `canonical` (PyTorch), else null.
const FunctionRow* find_function_by_spelling(const std::vector<FunctionRow>& rows,
                                             std::string_view spelling);
const FunctionRow* find_function_by_canonical(const std::vector<FunctionRow>& rows,
                                              std::string_view canonical);

}  // namespace nnport::frameworks
