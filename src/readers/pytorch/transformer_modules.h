// Construction of nn.TransformerEncoderLayer / nn.TransformerEncoder in __init__: the reader
// expands them into their PyTorch submodules (self_attn, linear1, norm1, ...) so parameters get
// their state_dict names and forward() is traced as the exact PyTorch computation.
#pragma once

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

// One evaluated constructor argument: a constant, a module, or neither (then `reason`).
struct CtorArg {
  std::string name = {};  // keyword name; empty for positional arguments
  std::optional<Constant> constant = {};
  InstancePtr module = {};
  Node node = {};
  std::string reason = {};
};

bool is_transformer_symbol(const std::string& qualified);

// Builds the composite instance (reports problems at their argument); never null.
InstancePtr construct_transformer(Context& ctx, Node call, const std::string& qualified,
                                  const std::vector<CtorArg>& args);

// A copy of `instance` and its children with paths cleared (nn.TransformerEncoder deep-copies
// its layer num_layers times).
InstancePtr deep_copy_instance(const Instance& instance);

}  // namespace nnport::readers::pytorch
