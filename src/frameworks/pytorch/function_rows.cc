// PyTorch spellings of the tensor functions of user-defined loss and metric functions
// (function_table.h). Keras' loss/metric functions reduce the last axis: written out as the
// same mean over dim=-1.
#include "frameworks/function_table.h"

namespace nnport::frameworks::pytorch {

const std::vector<FunctionRow>& tensor_function_rows() {
  static const std::vector<FunctionRow> rows = {
      {"square", "torch.square({0})"},
      {"sqrt", "torch.sqrt({0})"},
      {"abs", "torch.abs({0})"},
      {"exp", "torch.exp({0})"},
      {"log", "torch.log({0})"},
      {"maximum", "torch.maximum({0}, {1})", "torch.clamp({0}, min={1})"},
      {"minimum", "torch.minimum({0}, {1})", "torch.clamp({0}, max={1})"},
      {"mean", "torch.mean({0}, dim={axis}, keepdim={keepdims})", nullptr, true, "torch.mean({0})"},
      {"sum", "torch.sum({0}, dim={axis}, keepdim={keepdims})", nullptr, true, "torch.sum({0})"},
      {"max", "torch.amax({0}, dim={axis}, keepdim={keepdims})", nullptr, true, "torch.max({0})"},
      {"min", "torch.amin({0}, dim={axis}, keepdim={keepdims})", nullptr, true, "torch.min({0})"},
      {"mean_squared_error", "torch.mean(torch.square({0} - {1}), dim=-1)"},
      {"mean_absolute_error", "torch.mean(torch.abs({0} - {1}), dim=-1)"},
  };
  return rows;
}

}  // namespace nnport::frameworks::pytorch
