// forward() expressions of pivot ops that are not layer objects: tensor methods, torch
// functions and operators (internal to the PyTorch writer).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::writers::pytorch {

struct ExpressionContext {
  const pivot::Graph& graph;
  const pivot::Node& node;
  std::vector<std::string> args;                         // Python names of the node's inputs
  std::function<std::string(pivot::ParamId)> param_ref;  // "self.pos_embedding"
  std::function<std::string()> batch_size;               // a variable holding the model's batch
  // A constant tensor of the source as a buffer outside the state_dict: (name, Python value) ->
  // "self.name".
  std::function<std::string(const std::string&, const std::string&)> constant_buffer;
  std::string error;  // why the op cannot be written
};

// The expression computing the node's (single) output; nullopt with ctx.error set otherwise.
std::optional<std::string> functional_expression(ExpressionContext& ctx);
// The same, spelled from the PyTorch function tables only (no op-specific expression).
std::optional<std::string> spelled_function(ExpressionContext& ctx);

// `target = expression` within `width` columns after `indent` spaces, wrapping the outermost
// call's arguments (and a long list argument's items) the way black does.
std::string wrap_statement(const std::string& target, const std::string& expression, size_t indent,
                           size_t width = 100);

// Python text of a call with wrapped arguments when it does not fit in `width` columns after
// `indent` spaces and `prefix` ("self.conv1 = "): one argument per line, trailing comma.
std::string wrap_call(const std::string& prefix, const std::string& callee,
                      const std::vector<std::string>& args, size_t indent, size_t width = 100);

}  // namespace nnport::writers::pytorch
