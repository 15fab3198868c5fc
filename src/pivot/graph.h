// The pivot model: a typed dataflow graph per module definition, with parameters.
//
// A Model holds module definitions; one of them is the entry. A definition's Graph lists its
// inputs, nodes in topological order, and outputs. A node applies one catalog op; a `call` node
// applies another definition (a block class used several times stays one definition).
// Parameters (trained tensors) belong to the graph that owns them, named by their key in the
// source framework's checkpoint, stored in the op's canonical layout (see the catalog).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pivot/attributes.h"
#include "pivot/initializer.h"
#include "pivot/types.h"
#include "support/source_location.h"
#include "support/unique_names.h"

namespace nnport::pivot {

enum class OpKind : uint16_t {
#define NNPORT_OP(name, text, family) name,
#include "pivot/ops/ops.def"
#undef NNPORT_OP
};

using ValueId = uint32_t;
using ParamId = uint32_t;

struct Value {
  std::string name;  // readable, unique in the graph ("x", "conv1_out")
  TensorType type;
};

// A rearrangement of one parameter axis recorded by a pass and applied by weight conversion:
// the axis is split into `split` sizes (row-major), those sub-axes are permuted by `perm`
// (new sub-axis i = old sub-axis perm[i]), and merged back. Example: a Linear weight whose
// input features came from flattening (C, H, W) and now come from (H, W, C):
// {axis: 1, split: [C, H, W], perm: [1, 2, 0]}.
struct WeightTransform {
  int64_t axis = 0;
  std::vector<int64_t> split;
  std::vector<int64_t> perm;
  friend bool operator==(const WeightTransform&, const WeightTransform&) = default;
};

// A parameter that is one block of a stored tensor: [start, start + length) along `axis` of a
// source tensor whose size on that axis is `extent`. PyTorch's MultiheadAttention stores the
// query, key and value projections as the three row blocks of one in_proj_weight (3E, E).
struct SourceSlice {
  int64_t axis = 0;  // axis of the stored tensor (before source_perm)
  int64_t start = 0;
  int64_t length = 0;
  int64_t extent = 0;
  friend bool operator==(const SourceSlice&, const SourceSlice&) = default;
};

struct Param {
  std::string name;            // checkpoint key in the source framework ("conv1.weight")
  std::vector<int64_t> shape;  // canonical layout of the op's parameter
  DType dtype = DType::Float32;
  // canonical = source_tensor.permute(source_perm); empty means the source framework stores
  // the parameter in canonical layout already.
  std::vector<int64_t> source_perm;
  std::vector<WeightTransform> transforms;  // applied in order after source_perm
  // Taken from the stored tensor before source_perm; several parameters may share one key.
  std::optional<SourceSlice> source_slice;
  // Shape of the stored tensor when it differs in rank from the canonical one (Keras
  // MultiHeadAttention kernels (E, heads, head_dim), DepthwiseConv2D (*k, in, multiplier), a
  // GRU bias row): after source_slice the stored tensor is reshaped, row-major, to the
  // canonical shape un-permuted by source_perm. Empty: the shapes agree.
  std::vector<int64_t> stored_shape;
  // Canonical = the result with equal blocks of axis 0 reordered: block i is block
  // block_order[i] of it (Keras GRU gates z, r, h -> PyTorch r, z, n: {1, 0, 2}). Applied after
  // source_perm and transforms. Empty: no reorder.
  std::vector<int64_t> block_order;
  // Other checkpoint keys accepted for the same tensor, tried in order after `name` (e.g. the
  // legacy Keras order keys "#<k>/<i>").
  std::vector<std::string> aliases;
  // A persistent buffer of the source (PyTorch register_buffer): in the state_dict, but not
  // trained. The PyTorch writer registers it as a buffer, not as an nn.Parameter.
  bool buffer = false;
  // How the source framework initialises it when no weights are given (pivot/initializer.h).
  Initializer init;
  // Weight penalty of the source (Keras kernel_regularizer, bias_regularizer, ...):
  // l1 * sum(|w|) + l2 * sum(w^2) is added to the training loss; 0 when none. Inference ignores it.
  double l1_penalty = 0.0;
  double l2_penalty = 0.0;
};

struct Node {
  OpKind kind = OpKind::Identity;
  std::string name;         // unique in the graph; for layers, the source attribute path
  std::string module_path;  // source module instance ("conv1", "features.0"); nodes sharing it
                            // share one layer object; empty for pure functions
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  Attrs attrs;
  std::map<std::string, ParamId> params;  // role ("weight", "bias", ...) -> parameter
  SourceLocation location;
};

struct Port {
  std::string name;
  ValueId value = 0;
  // target = source.permute(perm); set by layout planning, identity otherwise.
  std::vector<int64_t> source_to_target_perm;
};

struct Graph {
  // Values are only appended through add_value (renaming a value in place would defeat the
  // name index below).
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<Param> params;
  std::vector<Port> inputs;
  std::vector<Port> outputs;

  ValueId add_value(std::string name, TensorType type);
  ParamId add_param(Param param);
  // Makes `name` unique among the graph's values by appending _1, _2, ...
  std::string unique_value_name(const std::string& name) const;
  // Index of the node producing `value`, or -1 for graph inputs.
  int producer(ValueId value) const;
  std::vector<size_t> users(ValueId value) const;

 private:
  std::string take_value_name(const std::string& name);
  // Names taken by `values`, indexed lazily (values[0, indexed) are in `names`) so that
  // naming costs O(1) amortised instead of a scan of all values; rebuilt when `values` shrank.
  struct NameIndex {
    UniqueNames names;
    size_t indexed = 0;
  };
  mutable NameIndex value_names_;
};

struct ModuleDef {
  std::string name;        // unique definition name ("Net", "ResBlock", "ResBlock_2")
  std::string class_name;  // as written in the source
  Attrs args;              // constructor arguments this definition was built with
  Graph graph;
  SourceLocation location;
};

struct Model {
  std::string source_framework;  // "pytorch" | "keras"
  std::string source_file;
  std::string entry_kind = "class";  // "class" | "function"
  std::vector<ModuleDef> modules;    // definitions, callees before callers
  size_t entry = 0;                  // index of the top-level definition
  // The entry is a module-level variable the source binds several times (`model = ...` again
  // for a retrain or another network): every binding statement, in source order; the entry is
  // the one at `binding`. Empty when it is bound once.
  std::vector<SourceLocation> bindings;
  size_t binding = 0;

  ModuleDef& entry_module() { return modules.at(entry); }
  const ModuleDef& entry_module() const { return modules.at(entry); }
  const ModuleDef* find_module(const std::string& name) const;
};

}  // namespace nnport::pivot
