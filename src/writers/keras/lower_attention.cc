// Lowering of the attention family: MultiHeadAttention (with its EinsumDense weight shapes),
// LayerNormalization, and the stored-tensor custom layers (AddParameter, PrependParameter).
#include <algorithm>

#include "frameworks/keras/layer_table.h"
#include "pivot/ops/catalog.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {

namespace fk = nnport::frameworks::keras;
using pivot::OpKind;

namespace {

// Keras EinsumDense shapes of MultiHeadAttention's variables for a rank-3 query:
// q/k/v kernels (in, heads, head_dim) and biases (heads, head_dim); the output kernel
// (heads, head_dim, out) and bias (out).
std::vector<int64_t> einsum_shape(std::string_view role, const std::vector<int64_t>& canonical,
                                  int64_t heads) {
  const bool output = role.starts_with("output");
  const bool kernel = role.ends_with("weight");
  if (output) {
    if (kernel) return {heads, canonical[1] / heads, canonical[0]}; // (out, heads*hd) transposed
    return {};
  }
  if (kernel) return {canonical[1], heads, canonical[0] / heads};
  return {heads, canonical[0] / heads};
}

} // namespace

void Lowerer::lower_attention(const pivot::Node& node) {
  const int64_t heads = pivot::attr_int(node, "num_heads");
  const int64_t head_dim = pivot::attr_int(node, "embed_dim") / heads;
  const bool bias = pivot::attr_bool(node, "bias");
  std::vector<Arg> args = {kw("num_heads", ArgValue::integer(heads)),
                           kw("key_dim", ArgValue::integer(head_dim)),
                           json_only("value_dim", ArgValue::integer(head_dim)),
                           kw("dropout", ArgValue::real(pivot::attr_float(node, "dropout")))};
  Arg use_bias = kw("use_bias", ArgValue::boolean(bias));
  use_bias.in_python = !bias;
  args.push_back(use_bias);
  // Keras calls (query, value, key); the pivot's inputs are (query, key, value).
  auto& record = add_layer(node, "MultiHeadAttention", std::move(args),
                           {key(node.inputs[0]), key(node.inputs[2]), key(node.inputs[1])},
                           key(node.outputs[0]));
  record.input_keywords = {"value", "key"};
  if (record.owner >= 0) return;
  // Keras 3 also saves the layer's own (empty) variables and its weightless private sublayers.
  record.empty_subgroups = {"vars", "_dropout_layer", "_softmax"};
  const auto* row = fk::find_row(node.kind);
  for (const auto& var : row->vars) {
    auto it = node.params.find(std::string(var.role));
    if (it == node.params.end()) continue;
    const auto& param = graph_.params.at(it->second);
    WeightVar weight;
    weight.variable = std::string(var.variable);
    weight.param = it->second;
    weight.perm = fk::permutation(var.perm, param.shape.size());
    weight.sublayer = std::string(var.sublayer);
    weight.shape = einsum_shape(var.role, param.shape, heads);
    record.vars.push_back(std::move(weight));
  }
}

void Lowerer::lower_layer_norm(const pivot::Node& node) {
  const auto& norm = pivot::attr_ints(node, "normalized_shape");
  const auto& t = type(node.inputs[0]);
  std::vector<Arg> args;
  if (norm.size() == 1) {
    args.push_back(kw("axis", ArgValue::integer(-1)));
  } else {
    if (!t.rank_known) return no_mapping(node, "layer_norm over several axes needs the input rank");
    std::vector<int64_t> axes;
    for (size_t i = t.rank() - norm.size(); i < t.rank(); ++i) axes.push_back(static_cast<int64_t>(i));
    args.push_back(kw("axis", ArgValue::list(axes)));
  }
  args.push_back(kw("epsilon", ArgValue::real(pivot::attr_float(node, "epsilon"))));
  const bool affine = pivot::attr_bool(node, "elementwise_affine");
  const bool has_bias = affine && pivot::attr_bool(node, "bias");
  Arg center = kw("center", ArgValue::boolean(has_bias));
  center.in_python = !has_bias;
  Arg scale = kw("scale", ArgValue::boolean(affine));
  scale.in_python = !affine;
  args.push_back(center);
  args.push_back(scale);
  auto& record = add_layer(node, "LayerNormalization", std::move(args), {key(node.inputs[0])},
                           key(node.outputs[0]));
  add_vars(record, node);
}

void Lowerer::lower_stored_tensor(const pivot::Node& node) {
  const auto* row = fk::find_row(node.kind);
  const std::string cls_name(row->keras3_class);
  std::vector<Arg> args = {kw("shape", ArgValue::tuple(pivot::attr_ints(node, "shape")))};
  args.back().json_value = ArgValue::list(pivot::attr_ints(node, "shape"));
  if (node.kind == OpKind::AddParam && pivot::attr_int(node, "slice_axis") >= 0)
    args.push_back(kw("slice_axis", ArgValue::integer(pivot::attr_int(node, "slice_axis"))));
  auto& record = add_layer(node, cls_name, std::move(args), {key(node.inputs[0])}, key(node.outputs[0]));
  add_vars(record, node);
  auto& classes = out_.custom_classes;
  if (std::find(classes.begin(), classes.end(), cls_name) == classes.end()) classes.push_back(cls_name);
}

} // namespace nnport::writers::keras
