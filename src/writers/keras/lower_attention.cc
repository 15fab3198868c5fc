// Lowering of the attention family: MultiHeadAttention (with its EinsumDense weight shapes and
// masks), LayerNormalization, the stored-tensor custom layers (AddParameter, PrependParameter)
// and the comparisons that build padding masks.
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
    if (kernel) return {heads, canonical[1] / heads, canonical[0]};  // (out, heads*hd) transposed
    return {};
  }
  if (kernel) return {canonical[1], heads, canonical[0] / heads};
  return {heads, canonical[0] / heads};
}

}  // namespace

void Lowerer::lower_attention(const pivot::Node& node) {
  const int64_t heads = pivot::attr_int(node, "num_heads");
  const int64_t e = pivot::attr_int(node, "embed_dim");
  auto head_width = [&](const char* attr) {
    return pivot::attr_is_set(node, attr) ? pivot::attr_int(node, attr) : e / heads;
  };
  const int64_t key_dim = head_width("key_dim");
  const int64_t value_dim = head_width("value_dim");
  const bool bias = pivot::attr_bool(node, "bias");
  Arg value_dim_arg = kw("value_dim", ArgValue::integer(value_dim));
  value_dim_arg.in_python = value_dim != key_dim;  // Keras' default is key_dim
  std::vector<Arg> args = {kw("num_heads", ArgValue::integer(heads)),
                           kw("key_dim", ArgValue::integer(key_dim)), value_dim_arg,
                           kw("dropout", ArgValue::real(pivot::attr_float(node, "dropout")))};
  if (pivot::attr_is_set(node, "output_dim") && pivot::attr_int(node, "output_dim") != e)
    args.push_back(kw("output_shape", ArgValue::integer(pivot::attr_int(node, "output_dim"))));
  Arg use_bias = kw("use_bias", ArgValue::boolean(bias));
  use_bias.in_python = !bias;
  args.push_back(use_bias);
  // Keras calls (query, value, key); the pivot's inputs are (query, key, value).
  std::vector<std::string> inputs = {key(node.inputs[0]), key(node.inputs[2]), key(node.inputs[1])};
  std::vector<std::string> keywords = {"value", "key"};
  if (node.inputs.size() == 4) {
    inputs.push_back(attention_mask(node, key(node.inputs[3])));
    keywords.push_back("attention_mask");
  }
  auto& record = add_layer(node, "MultiHeadAttention", std::move(args), std::move(inputs),
                           key(node.outputs[0]));
  record.input_keywords = std::move(keywords);
  record.python_positional = 3;
  if (pivot::attr_bool(node, "causal"))
    record.call_args.push_back(kw("use_causal_mask", ArgValue::boolean(true)));
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

std::string Lowerer::attention_mask(const pivot::Node& node, const std::string& padding) {
  // PyTorch's key_padding_mask (N, S) is True at the keys to ignore; Keras' attention_mask is
  // True where a query may attend and broadcasts (N, 1, S) over the queries (conventions row 14).
  const std::string base = key(node.outputs[0]);
  OpCall invert;
  invert.py_function = tf_keras_ ? "tf.math.logical_not" : "keras.ops.logical_not";
  invert.tf_function = "math.logical_not";
  out_.name_hints[base + "_keep"] = "attend";
  add_op(node, std::move(invert), {padding}, base + "_keep");
  OpCall expand;
  expand.py_function = tf_keras_ ? "tf.expand_dims" : "keras.ops.expand_dims";
  expand.tf_function = "expand_dims";
  expand.kwargs.push_back(kw("axis", ArgValue::integer(1)));
  out_.name_hints[base + "_mask"] = "attention_mask";
  add_op(node, std::move(expand), {base + "_keep"}, base + "_mask");
  return base + "_mask";
}

void Lowerer::lower_equal(const pivot::Node& node) {
  OpCall op;
  op.py_function = tf_keras_ ? "tf.math.equal" : "keras.ops.equal";
  op.tf_function = "math.equal";
  std::vector<std::string> inputs = {key(node.inputs[0])};
  if (node.inputs.size() == 2) {
    inputs.push_back(key(node.inputs[1]));
  } else {
    // `ids == 0`: an int when the constant is integral, like the source wrote it.
    const double c = pivot::attr_float(node, "scalar");
    const bool integral = c == static_cast<double>(static_cast<int64_t>(c));
    Arg y = kw("y", integral ? ArgValue::integer(static_cast<int64_t>(c)) : ArgValue::real(c));
    y.py_name.clear();
    op.kwargs.push_back(y);
  }
  add_op(node, std::move(op), std::move(inputs), key(node.outputs[0]));
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
    for (size_t i = t.rank() - norm.size(); i < t.rank(); ++i)
      axes.push_back(static_cast<int64_t>(i));
    args.push_back(kw("axis", ArgValue::list(axes)));
  }
  args.push_back(kw("epsilon", ArgValue::real(pivot::attr_float(node, "epsilon"))));
  const bool affine = pivot::attr_bool(node, "elementwise_affine");
  const bool has_bias = affine && pivot::attr_bool(node, "bias");
  append_center_scale(args, has_bias, affine);
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
  // The stored tensor keeps the source's layout and is permuted where it is added.
  if (node.kind == OpKind::AddParam && !pivot::attr_ints(node, "perm").empty()) {
    args.push_back(kw("perm", ArgValue::tuple(pivot::attr_ints(node, "perm"))));
    args.back().json_value = ArgValue::list(pivot::attr_ints(node, "perm"));
  }
  // A buffer of the source (register_buffer) is not trained: a non-trainable weight, which the
  // way back reads as a buffer again.
  if (auto it = node.params.find("value");
      it != node.params.end() && graph_.params.at(it->second).buffer)
    args.push_back(kw("trainable", ArgValue::boolean(false)));
  auto& record =
      add_layer(node, cls_name, std::move(args), {key(node.inputs[0])}, key(node.outputs[0]));
  add_vars(record, node);
  auto& classes = out_.custom_classes;
  if (std::find(classes.begin(), classes.end(), cls_name) == classes.end())
    classes.push_back(cls_name);
}

}  // namespace nnport::writers::keras
