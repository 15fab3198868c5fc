// The op catalog: one schema per pivot op kind, declared once (attributes with types and
// canonical defaults, parameters with their canonical layout, shape rule, doc). Readers and
// writers map framework symbols to and from these schemas with tables; passes and weight
// conversion read layouts and defaults from here instead of hard-coding them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pivot/attributes.h"
#include "pivot/graph.h"
#include "pivot/types.h"

namespace nnport::pivot {

struct AttrSpec {
  std::string name;
  AttrType type;
  AttrValue default_value;  // monostate with required=false means "optional, no default"
  bool required = false;
  std::string doc;
};

struct ParamSpec {
  std::string role;    // "weight", "bias", ...
  std::string layout;  // canonical axis order, e.g. "out, in" or "out, in/groups, *kernel"
  bool optional = false;
  std::string doc;
};

// Everything a shape rule sees. Rules infer what they can: unknown in, unknown out.
struct ShapeContext {
  const Node& node;
  const std::vector<TensorType>& inputs;
  std::vector<TensorType>& outputs;  // pre-sized to the node's output count
  std::string error;                 // set on a real contradiction

  const AttrValue& attr(const std::string& name) const;
  int64_t get_int(const std::string& name) const;
  double get_float(const std::string& name) const;
  bool get_bool(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  const std::vector<int64_t>& get_ints(const std::string& name) const;
  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }
};

using ShapeRule = std::function<bool(ShapeContext&)>;
// Canonical shape of each parameter from the node's attributes (role -> shape).
using ParamShapeRule = std::function<std::vector<int64_t>(const Node&, const std::string& role)>;

struct OpSchema {
  OpKind kind;
  std::string name;
  std::string family;
  std::string summary;
  std::string doc;
  int min_inputs = 1;
  int max_inputs = 1;  // -1: variadic
  int num_outputs = 1;
  std::vector<AttrSpec> attrs;
  std::vector<ParamSpec> params;
  ShapeRule infer;
  ParamShapeRule param_shape;
  std::string since = "0.1.0";

  const AttrSpec* find_attr(std::string_view attr_name) const;
  const ParamSpec* find_param(std::string_view role) const;
};

// A fluent builder so each catalog entry reads like its spec (ONNX schema style).
class SchemaBuilder {
 public:
  SchemaBuilder(OpKind kind, std::string summary);
  SchemaBuilder& doc(std::string text);
  SchemaBuilder& inputs(int min, int max);
  SchemaBuilder& outputs(int count);
  SchemaBuilder& attr(std::string name, AttrType type, AttrValue default_value, std::string doc);
  SchemaBuilder& required_attr(std::string name, AttrType type, std::string doc);
  SchemaBuilder& optional_attr(std::string name, AttrType type, std::string doc);
  SchemaBuilder& param(std::string role, std::string layout, std::string doc);
  SchemaBuilder& optional_param(std::string role, std::string layout, std::string doc);
  SchemaBuilder& shape(ShapeRule rule);
  SchemaBuilder& param_shape(ParamShapeRule rule);
  OpSchema build();  // moves the schema out: call once, last

 private:
  OpSchema schema_;
};

const OpSchema& schema(OpKind kind);
const std::vector<OpSchema>& all_schemas();
std::optional<OpKind> find_op(std::string_view name);
std::string_view op_name(OpKind kind);

// Attribute value with the catalog default applied.
const AttrValue& get_attr(const Node& node, const std::string& name);
int64_t attr_int(const Node& node, const std::string& name);
double attr_float(const Node& node, const std::string& name);
bool attr_bool(const Node& node, const std::string& name);
const std::string& attr_string(const Node& node, const std::string& name);
const std::vector<int64_t>& attr_ints(const Node& node, const std::string& name);
bool attr_is_set(const Node& node, const std::string& name);

// Registration of the families (ops/<family>.cc); called once by the catalog.
void register_structure_ops(std::vector<OpSchema>& out);
void register_dense_ops(std::vector<OpSchema>& out);
void register_conv_ops(std::vector<OpSchema>& out);
void register_pool_ops(std::vector<OpSchema>& out);
void register_norm_ops(std::vector<OpSchema>& out);
void register_regularization_ops(std::vector<OpSchema>& out);
void register_activation_ops(std::vector<OpSchema>& out);
void register_shape_ops(std::vector<OpSchema>& out);
void register_elementwise_ops(std::vector<OpSchema>& out);
void register_reduction_ops(std::vector<OpSchema>& out);
void register_indexing_ops(std::vector<OpSchema>& out);  // ops/indexing.cc
void register_attention_ops(std::vector<OpSchema>& out);
void register_recurrent_ops(std::vector<OpSchema>& out);
void register_pointwise_activation_ops(std::vector<OpSchema>& out);  // activation_pointwise.cc
void register_layer_breadth_ops(std::vector<OpSchema>& out);         // layer_breadth.cc
void register_block_shuffle_ops(std::vector<OpSchema>& out);         // block_shuffle.cc
// Parameter role patterns with a layer number (recurrent ops: "weight_ih_l{k}[_reverse]").
bool recurrent_role_matches(std::string_view pattern, std::string_view role);

// Shared shape-rule helpers.
// `stops` value of a slice that runs to the end of its axis (Python's omitted stop).
inline constexpr int64_t kSliceEnd = INT64_MAX;

namespace shape_rules {
bool same_as_input(ShapeContext& ctx);
// NumPy broadcasting of two inputs; with one input (a scalar operand), that input's type.
bool broadcast(ShapeContext& ctx);
// Output size of a sliding window along one axis (floor or ceil mode); kUnknown in, kUnknown out.
int64_t window_output(int64_t size, int64_t kernel, int64_t stride, int64_t dilation,
                      int64_t pad_before, int64_t pad_after, bool ceil_mode);
}  // namespace shape_rules

}  // namespace nnport::pivot
