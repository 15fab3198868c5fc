// Catalog registry: collects the families, checks each kind is registered exactly once.
#include "pivot/ops/catalog.h"

#include <array>
#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace nnport::pivot {
namespace {

constexpr std::array kOpNames = {
#define NNPORT_OP(name, text, family) std::string_view(text),
#include "pivot/ops/ops.def"
#undef NNPORT_OP
};

std::vector<OpSchema> build_catalog() {
  std::vector<OpSchema> collected;
  register_structure_ops(collected);
  register_dense_ops(collected);
  register_conv_ops(collected);
  register_pool_ops(collected);
  register_norm_ops(collected);
  register_regularization_ops(collected);
  register_activation_ops(collected);
  register_shape_ops(collected);
  register_elementwise_ops(collected);
  register_reduction_ops(collected);
  register_indexing_ops(collected);
  register_attention_ops(collected);
  register_recurrent_ops(collected);
  register_pointwise_activation_ops(collected);
  register_layer_breadth_ops(collected);
  register_block_shuffle_ops(collected);

  std::vector<OpSchema> by_kind(kOpNames.size());
  std::vector<bool> seen(kOpNames.size(), false);
  for (auto& entry : collected) {
    const auto index = static_cast<size_t>(entry.kind);
    if (seen[index]) {
      std::cerr << "nnport: internal error: op '" << entry.name << "' registered twice\n";
      std::abort();
    }
    seen[index] = true;
    by_kind[index] = std::move(entry);
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      std::cerr << "nnport: internal error: op '" << kOpNames[i] << "' has no catalog entry\n";
      std::abort();
    }
  }
  return by_kind;
}

const AttrValue kUnset{};

}  // namespace

const std::vector<OpSchema>& all_schemas() {
  static const std::vector<OpSchema> catalog = build_catalog();
  return catalog;
}

const OpSchema& schema(OpKind kind) { return all_schemas()[static_cast<size_t>(kind)]; }

std::string_view op_name(OpKind kind) { return kOpNames[static_cast<size_t>(kind)]; }

std::optional<OpKind> find_op(std::string_view name) {
  for (size_t i = 0; i < kOpNames.size(); ++i)
    if (kOpNames[i] == name) return static_cast<OpKind>(i);
  return std::nullopt;
}

const AttrSpec* OpSchema::find_attr(std::string_view attr_name) const {
  for (const auto& spec : attrs)
    if (spec.name == attr_name) return &spec;
  return nullptr;
}

const ParamSpec* OpSchema::find_param(std::string_view role) const {
  for (const auto& spec : params)
    if (spec.role == role || recurrent_role_matches(spec.role, role)) return &spec;
  return nullptr;
}

SchemaBuilder::SchemaBuilder(OpKind kind, std::string summary) {
  schema_.kind = kind;
  schema_.name = std::string(op_name(kind));
  schema_.summary = std::move(summary);
}
SchemaBuilder& SchemaBuilder::doc(std::string text) {
  schema_.doc = std::move(text);
  return *this;
}
SchemaBuilder& SchemaBuilder::inputs(int min, int max) {
  schema_.min_inputs = min;
  schema_.max_inputs = max;
  return *this;
}
SchemaBuilder& SchemaBuilder::outputs(int count) {
  schema_.num_outputs = count;
  return *this;
}
SchemaBuilder& SchemaBuilder::attr(std::string name, AttrType type, AttrValue default_value,
                                   std::string text) {
  schema_.attrs.push_back(
      {std::move(name), type, std::move(default_value), false, std::move(text)});
  return *this;
}
SchemaBuilder& SchemaBuilder::required_attr(std::string name, AttrType type, std::string text) {
  schema_.attrs.push_back({std::move(name), type, AttrValue{}, true, std::move(text)});
  return *this;
}
SchemaBuilder& SchemaBuilder::optional_attr(std::string name, AttrType type, std::string text) {
  schema_.attrs.push_back({std::move(name), type, AttrValue{}, false, std::move(text)});
  return *this;
}
SchemaBuilder& SchemaBuilder::param(std::string role, std::string layout, std::string text) {
  schema_.params.push_back({std::move(role), std::move(layout), false, std::move(text)});
  return *this;
}
SchemaBuilder& SchemaBuilder::optional_param(std::string role, std::string layout,
                                             std::string text) {
  schema_.params.push_back({std::move(role), std::move(layout), true, std::move(text)});
  return *this;
}
SchemaBuilder& SchemaBuilder::shape(ShapeRule rule) {
  schema_.infer = std::move(rule);
  return *this;
}
SchemaBuilder& SchemaBuilder::param_shape(ParamShapeRule rule) {
  schema_.param_shape = std::move(rule);
  return *this;
}
OpSchema SchemaBuilder::build() {
  if (!schema_.infer) schema_.infer = shape_rules::same_as_input;
  return std::move(schema_);
}

const AttrValue& get_attr(const Node& node, const std::string& name) {
  if (auto it = node.attrs.find(name); it != node.attrs.end()) return it->second;
  if (const auto* spec = schema(node.kind).find_attr(name)) return spec->default_value;
  return kUnset;
}

namespace {
template <typename T>
const T& typed_attr(const Node& node, const std::string& name) {
  const AttrValue& value = get_attr(node, name);
  if (const T* typed = std::get_if<T>(&value)) return *typed;
  // A broken invariant, not bad input: thrown so that the command's guard reports it as an
  // internal error without writing anything, instead of taking the process down.
  throw std::logic_error("attribute '" + name + "' of " + std::string(op_name(node.kind)) +
                         " node '" + node.name + "' is missing or mistyped");
}
}  // namespace

int64_t attr_int(const Node& node, const std::string& name) {
  return typed_attr<int64_t>(node, name);
}
double attr_float(const Node& node, const std::string& name) {
  return typed_attr<double>(node, name);
}
bool attr_bool(const Node& node, const std::string& name) { return typed_attr<bool>(node, name); }
const std::string& attr_string(const Node& node, const std::string& name) {
  return typed_attr<std::string>(node, name);
}
const std::vector<int64_t>& attr_ints(const Node& node, const std::string& name) {
  return typed_attr<std::vector<int64_t>>(node, name);
}
bool attr_is_set(const Node& node, const std::string& name) {
  return !std::holds_alternative<std::monostate>(get_attr(node, name));
}

const AttrValue& ShapeContext::attr(const std::string& name) const { return get_attr(node, name); }
int64_t ShapeContext::get_int(const std::string& name) const { return attr_int(node, name); }
double ShapeContext::get_float(const std::string& name) const { return attr_float(node, name); }
bool ShapeContext::get_bool(const std::string& name) const { return attr_bool(node, name); }
const std::string& ShapeContext::get_string(const std::string& name) const {
  return attr_string(node, name);
}
const std::vector<int64_t>& ShapeContext::get_ints(const std::string& name) const {
  return attr_ints(node, name);
}

namespace shape_rules {

bool same_as_input(ShapeContext& ctx) {
  if (ctx.inputs.empty()) return true;
  for (auto& out : ctx.outputs) out = ctx.inputs[0];
  return true;
}

bool broadcast(ShapeContext& ctx) {
  if (ctx.inputs.size() == 1) {
    ctx.outputs[0] = ctx.inputs[0];
    return true;
  }
  const TensorType& a = ctx.inputs[0];
  const TensorType& b = ctx.inputs[1];
  if (!a.rank_known || !b.rank_known) {
    ctx.outputs[0] = a.rank_known ? b : a;
    return true;
  }
  TensorType out = a.rank() >= b.rank() ? a : b;
  const size_t rank = out.rank();
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + a.rank() >= rank ? a.shape[i + a.rank() - rank] : 1;
    const int64_t db = i + b.rank() >= rank ? b.shape[i + b.rank() - rank] : 1;
    if (da == 1)
      out.shape[i] = db;
    else if (db == 1)
      out.shape[i] = da;
    else if (da >= 0 && db >= 0 && da != db)
      return ctx.fail("cannot broadcast " + shape_to_string(a.shape) + " with " +
                      shape_to_string(b.shape));
    else
      out.shape[i] = da >= 0 ? da : db;
  }
  ctx.outputs[0] = out;
  return true;
}

int64_t window_output(int64_t size, int64_t kernel, int64_t stride, int64_t dilation,
                      int64_t pad_before, int64_t pad_after, bool ceil_mode) {
  if (size < 0) return kUnknown;
  const int64_t span = size + pad_before + pad_after - dilation * (kernel - 1) - 1;
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // PyTorch rule: the last window must start inside the input or left padding.
  if (ceil_mode && (out - 1) * stride >= size + pad_before) --out;
  return out;
}

}  // namespace shape_rules
}  // namespace nnport::pivot
