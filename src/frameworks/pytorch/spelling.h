// The reverse of the PyTorch tables: how a pivot node is spelled as a PyTorch layer constructor
// or functional call. The row is found in the same tables the reader binds against (so
// signatures and defaults live in one place); each argument is rendered back from the node's
// attributes and written only when it differs from the PyTorch default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::frameworks::pytorch {

struct PyArg {
  std::string name;   // empty: positional
  std::string value;  // Python source text
};

struct Spelling {
  std::string callee;       // "nn.Conv2d", "F.relu", "torch.relu"
  std::vector<PyArg> args;  // positional first, then keywords, in signature order
  // Explicit padding applied before the op when the op's own padding is symmetric only:
  // F.pad order (last axis first), filled with `pre_pad_value` ("0.0", "float(\"-inf\")").
  std::vector<int64_t> pre_pad;
  std::string pre_pad_value;
  // Cells cut from the result after the op, [begin_0, end_0, begin_1, ...] for the spatial axes
  // (the trailing ones, channels first): PyTorch crops or pads symmetrically where the pivot
  // has uneven amounts (Keras 'same' transposed convolution and average pooling). Empty: none.
  std::vector<int64_t> post_crop;
};

// Spells `node` as a layer (`functional` false: torch.nn class) or a function call (`functional`
// true: torch.nn.functional / torch, input tensor first and not listed in args). `input` is the
// type of the node's first input. nullopt with `error` set when the tables cannot express it.
std::optional<Spelling> spell(const pivot::Node& node, const pivot::TensorType& input,
                              bool functional, std::string& error);

// The subscript applying `post_crop` to a result: "[..., :-1, :-1]", "[..., 1:]"; "" when none.
std::string crop_subscript(const std::vector<int64_t>& post_crop);

// "torch.nn.Conv2d" -> "nn.Conv2d", "torch.nn.functional.relu" -> "F.relu".
std::string short_symbol(const std::string& qualified);

}  // namespace nnport::frameworks::pytorch
