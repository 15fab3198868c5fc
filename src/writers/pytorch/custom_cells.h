// Layers torch.nn has no class for, written as small nn.Module classes into the generated file:
// recurrent layers with Keras semantics (GRU reset_after=False, activations other than
// tanh / sigmoid; conventions rows 9 and 10) and multi-head attention with free per-head widths
// (conventions row 14). Each class is written once per file and mirrors the torch.nn layer it
// stands for (constructor, call, results, state_dict keys), so the rest of the writer treats it
// as that layer.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "frameworks/pytorch/spelling.h"
#include "pivot/graph.h"

namespace nnport::writers::pytorch {

// Whether `node` is written with one of the classes below instead of a torch.nn layer.
bool uses_custom_layer(const pivot::Node& node);

// The constructor of `node`'s class when uses_custom_layer(node); nullopt otherwise, and also
// (with `error` set) when the class cannot express the node either.
std::optional<frameworks::pytorch::Spelling> custom_layer(const pivot::Node& node,
                                                          std::string& error);

// Python source of the named classes and the base classes they need, each once, bases first,
// every class followed by two blank lines. Empty for an empty set.
std::string custom_class_source(const std::set<std::string>& class_names);

}  // namespace nnport::writers::pytorch
