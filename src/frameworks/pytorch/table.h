// Correspondence tables between PyTorch symbols and pivot ops: one row per layer class or
// functional op, with the PyTorch signature (names, defaults) and a named converter per
// argument. The reader binds a call against a row and applies the converters; no op-specific
// if-chains are needed in the reader.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pivot/graph.h"
#include "syntax/constant.h"

namespace nnport::frameworks::pytorch {

using syntax::Constant;
using BoundArgs = std::map<std::string, Constant, std::less<>>;

struct ArgContext {
  std::string_view name;  // PyTorch argument name
  std::string_view attr;  // target pivot attribute (may be empty)
  const Constant& value;  // bound value (default applied)
  const std::optional<Constant>& default_value;
  const BoundArgs& args;  // all bound arguments, defaults applied
  size_t rank;            // spatial rank of the op (0 when not spatial)
};

// Writes the attributes for one argument. Returns "" on success, else why the value cannot be
// migrated (reported as unsupported-argument).
using ArgConverter = std::string (*)(const ArgContext&, pivot::Attrs&);

struct ArgRow {
  std::string name;
  std::optional<Constant> default_value;  // nullopt: required
  ArgConverter convert;
  std::string attr;  // target attribute for the simple converters
};

struct OpRow {
  std::string symbol;  // qualified: "torch.nn.Conv2d", "torch.nn.functional.relu", "Tensor.relu"
  pivot::OpKind kind;
  size_t rank = 0;           // spatial rank for conv/pool rows
  std::vector<ArgRow> args;  // in PyTorch signature order (after the input tensor for functions)
  pivot::Attrs fixed;        // attributes implied by the symbol (BatchNorm axis, reduce axes)
  bool any_args = false;     // accepts and ignores anything (nn.Identity(*args, **kwargs))
  // Read, but never written: the class is missing from the PyTorch versions generated code
  // must run on (nn.ZeroPad1d/3d arrived in PyTorch 2.1; ConstantPad1d/3d spell the same op).
  bool read_only = false;
};

// Layer classes (torch.nn.*), functions (torch.nn.functional.*, torch.*) and Tensor methods
// ("Tensor.relu") whose arguments map onto attributes.
const OpRow* find_layer(std::string_view qualified_symbol);
const OpRow* find_function(std::string_view qualified_symbol);
const std::vector<OpRow>& layer_rows();
const std::vector<OpRow>& function_rows();
// Attention-family layer rows (attention_layers.cc), appended to the layer table.
void append_attention_layers(std::vector<OpRow>& rows);
// nn.LSTM / nn.GRU / nn.RNN rows (recurrent_rows.cc).
std::vector<OpRow> recurrent_rows();
// Transposed convs, GroupNorm/InstanceNorm, upsampling, padding, extra activations
// (layer_breadth_rows.cc).
std::vector<OpRow> layer_breadth_rows();
std::vector<OpRow> function_breadth_rows();
// nn.PixelShuffle / nn.PixelUnshuffle and their functions (block_shuffle_rows.cc).
std::vector<OpRow> block_shuffle_layer_rows();
std::vector<OpRow> block_shuffle_function_rows();

// Whether a node built from these tables owns the parameter of `role` (bias=False,
// affine=False and track_running_stats=False drop some).
bool param_present(const pivot::Node& node, std::string_view role);

// Converters, named so rows read like a spec.
namespace convert {
std::string ignore(const ArgContext&, pivot::Attrs&);        // no effect on inference
std::string only_default(const ArgContext&, pivot::Attrs&);  // any other value: unsupported
std::string to_int(const ArgContext&, pivot::Attrs&);
std::string to_bool(const ArgContext&, pivot::Attrs&);
std::string to_float(const ArgContext&, pivot::Attrs&);
std::string to_string(const ArgContext&, pivot::Attrs&);
std::string to_ints_per_axis(const ArgContext&, pivot::Attrs&);      // int or rank-tuple
std::string pool_stride(const ArgContext&, pivot::Attrs&);           // None: kernel size
std::string conv_padding(const ArgContext&, pivot::Attrs&);          // int, tuple, 'same', 'valid'
std::string pool_padding(const ArgContext&, pivot::Attrs&);          // int or tuple, symmetric
std::string adaptive_output_size(const ArgContext&, pivot::Attrs&);  // int/None per axis
std::string softmax_dim(const ArgContext&, pivot::Attrs&);  // None: implicit, resolved later
std::string dropout_rate(const ArgContext&, pivot::Attrs&);
std::string padding_idx(const ArgContext&, pivot::Attrs&);
std::string bn_momentum(const ArgContext&, pivot::Attrs&);
std::string gelu_approximate(const ArgContext&, pivot::Attrs&);
std::string trailing_shape(const ArgContext&, pivot::Attrs&);      // LayerNorm normalized_shape
std::string width_or_embed_dim(const ArgContext&, pivot::Attrs&);  // MHA kdim/vdim, None: embed_dim
std::string padding_mode(const ArgContext&, pivot::Attrs&);      // zeros/reflect/replicate/circular
std::string rnn_nonlinearity(const ArgContext&, pivot::Attrs&);  // 'tanh' | 'relu'
}  // namespace convert

}  // namespace nnport::frameworks::pytorch
