// PyTorch spelling of a script's user-defined loss and metric functions
// (pivot/script_function.h): the same function (and factory) names and parameters, each
// statement's canonical tensor functions through the PyTorch function table
// (frameworks/function_table.h). Statements the reader could not translate, and canonical
// functions without a PyTorch spelling, become TODO(nnport) markers in the function.
#pragma once

#include <string>
#include <vector>

#include "pivot/script_function.h"

namespace nnport::writers::pytorch {

// The function's lines (`def ...` and its body, the factory around it when it has one);
// `partial` is set when a TODO(nnport) marker was written.
std::vector<std::string> script_function_lines(const pivot::ScriptFunction& fn, bool& partial);

// The Python text of one expression; empty (with `why`) when a function has no spelling.
std::string function_expression(const pivot::FunctionExpr& e, std::string& why);

// The helper that gives Keras' y_true to a custom function: cast to the outputs' dtype, and a
// last axis of size 1 squeezed or added so the ranks agree (Keras' squeeze_or_expand_to_same_rank).
std::vector<std::string> keras_targets_helper();
inline constexpr const char* kKerasTargets = "keras_targets";

}  // namespace nnport::writers::pytorch
