// Lowering of shape, elementwise and reduction ops. Ops with a Keras layer become that layer;
// the rest become the idiomatic call (keras.ops.* in Keras 3, tf.* in tf.keras, or a Python
// operator), which tf.keras records as a TFOpLambda layer in `to_json()`.
#include <algorithm>
#include <array>
#include <map>

#include "pivot/ops/catalog.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {
namespace {

using pivot::OpKind;

// Static shape without the leading batch, or nullopt.
std::optional<std::vector<int64_t>> static_tail(const pivot::TensorType& t) {
  if (!t.rank_known || t.shape.empty() || t.shape[0] != pivot::kBatch) return std::nullopt;
  std::vector<int64_t> tail(t.shape.begin() + 1, t.shape.end());
  for (int64_t d : tail)
    if (d < 0) return std::nullopt;
  return tail;
}

}  // namespace

bool Lowerer::reshape_to_output(const pivot::Node& node, const std::string& input_key) {
  auto target = static_tail(type(node.outputs[0]));
  if (!target || type(node.inputs[0]).shape.empty() ||
      type(node.inputs[0]).shape[0] != pivot::kBatch)
    return false;
  Arg shape = kw("target_shape", ArgValue::tuple(*target));
  shape.py_name.clear();
  add_layer(node, "Reshape", {shape}, {input_key}, key(node.outputs[0]));
  return true;
}

void Lowerer::lower_flatten(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  if (t.rank_known) {
    auto start = pivot::normalize_axis(pivot::attr_int(node, "start_dim"), t.rank());
    auto end = pivot::normalize_axis(pivot::attr_int(node, "end_dim"), t.rank());
    if (start && end && *start == 1 && *end + 1 == t.rank()) {
      add_layer(node, "Flatten", {json_only("data_format", ArgValue::string("channels_last"))},
                {key(node.inputs[0])}, key(node.outputs[0]));
      return;
    }
  }
  if (!reshape_to_output(node, key(node.inputs[0])))
    no_mapping(node, "flatten of a range other than (1, -1) needs a static output shape");
}

void Lowerer::lower_reshape_like(const pivot::Node& node) {
  if (node.kind == OpKind::Reshape) {
    const auto& shape = pivot::attr_ints(node, "shape");
    const auto batches = std::count(shape.begin(), shape.end(), pivot::kBatch);
    const auto& in = type(node.inputs[0]);
    if (!shape.empty() && shape[0] == pivot::kBatch && batches == 1 && !in.shape.empty() &&
        in.shape[0] == pivot::kBatch) {
      Arg target =
          kw("target_shape", ArgValue::tuple(std::vector<int64_t>(shape.begin() + 1, shape.end())));
      target.py_name.clear();
      add_layer(node, "Reshape", {target}, {key(node.inputs[0])}, key(node.outputs[0]));
      return;
    }
  }
  if (!reshape_to_output(node, key(node.inputs[0])) && !reshape_op(node))
    no_mapping(node, std::string(pivot::op_name(node.kind)) +
                         " moves or merges the batch axis, or its output shape is not static");
}

void Lowerer::lower_transpose(const pivot::Node& node) {
  const auto& perm = pivot::attr_ints(node, "perm");
  if (!perm.empty() && perm[0] == 0) {
    // Permute's dims are 1-based and exclude the batch: exactly perm[1:].
    Arg dims = kw("dims", ArgValue::tuple(std::vector<int64_t>(perm.begin() + 1, perm.end())));
    dims.py_name.clear();
    add_layer(node, "Permute", {dims}, {key(node.inputs[0])}, key(node.outputs[0]));
    return;
  }
  OpCall op;
  op.py_function = tf_keras_ ? "tf.transpose" : "keras.ops.transpose";
  op.tf_function = "transpose";
  Arg axes{tf_keras_ ? "perm" : "axes",
           "perm",
           tf_keras_ ? ArgValue::list(perm) : ArgValue::tuple(perm),
           true,
           ArgValue::list(perm),
           {}};
  op.kwargs.push_back(axes);
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
}

void Lowerer::lower_concat(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  int64_t axis = pivot::attr_int(node, "axis");
  if (t.rank_known)
    if (auto a = pivot::normalize_axis(axis, t.rank()))
      axis = *a + 1 == t.rank() ? -1 : static_cast<int64_t>(*a);
  if (axis == 0) return no_mapping(node, "concatenation along the batch axis");
  std::vector<std::string> inputs;
  for (auto v : node.inputs) inputs.push_back(key(v));
  if (inputs.size() == 1) {
    out_.aliases[key(node.outputs[0])] = inputs[0];
    return;
  }
  add_layer(node, "Concatenate", {kw("axis", ArgValue::integer(axis))}, inputs,
            key(node.outputs[0]));
}

void Lowerer::lower_binary(const pivot::Node& node) {
  static const std::map<OpKind, std::pair<std::string, std::string>> kOps = {
      {OpKind::Add, {"+", "__operators__.add"}},
      {OpKind::Sub, {"-", "math.subtract"}},
      {OpKind::Mul, {"*", "math.multiply"}},
      {OpKind::Div, {"/", "math.truediv"}},
  };
  const auto& [py_operator, tf_function] = kOps.at(node.kind);
  OpCall op;
  op.py_operator = py_operator;
  op.tf_function = tf_function;
  if (node.inputs.size() == 2) {
    const auto& a = type(node.inputs[0]);
    const auto& b = type(node.inputs[1]);
    const bool same_shape = a.rank_known && b.rank_known && a.shape == b.shape;
    if (same_shape && node.kind != OpKind::Div) {
      static const std::map<OpKind, std::string> kLayers = {
          {OpKind::Add, "Add"}, {OpKind::Sub, "Subtract"}, {OpKind::Mul, "Multiply"}};
      add_layer(node, kLayers.at(node.kind), {}, {key(node.inputs[0]), key(node.inputs[1])},
                key(node.outputs[0]));
      return;
    }
    // Broadcasting or division: `a / b`; tf.keras records b as the keyword `y`.
    op.kwargs.push_back(json_only("name", ArgValue::none()));
    add_op(node, std::move(op), {key(node.inputs[0]), key(node.inputs[1])}, key(node.outputs[0]));
    return;
  }
  if (!pivot::attr_is_set(node, "scalar"))
    return no_mapping(node, "binary op without a second operand");
  op.scalar = pivot::attr_float(node, "scalar");
  // a + c and a * c commute exactly in IEEE arithmetic; only sub and div keep the order.
  op.scalar_first = pivot::attr_bool(node, "scalar_first") &&
                    (node.kind == OpKind::Sub || node.kind == OpKind::Div);
  op.kwargs.push_back(json_only("name", ArgValue::none()));
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
}

void Lowerer::lower_reduction(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  const bool keepdims = pivot::attr_bool(node, "keepdims");
  std::vector<int64_t> axes;
  for (int64_t a : pivot::attr_ints(node, "axes")) {
    auto n = t.rank_known ? pivot::normalize_axis(a, t.rank()) : std::nullopt;
    if (!n) return no_mapping(node, "reduction axes of an input of unknown rank");
    axes.push_back(static_cast<int64_t>(*n));
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  if (std::find(axes.begin(), axes.end(), 0) != axes.end())
    return no_mapping(node, "reduction over the batch axis");

  const std::string in = key(node.inputs[0]);
  const std::string out = key(node.outputs[0]);
  const bool global =
      node.kind != OpKind::ReduceSum && ((t.rank() == 3 && axes == std::vector<int64_t>{1}) ||
                                         (t.rank() == 4 && axes == std::vector<int64_t>{1, 2}));
  const int64_t channels = t.rank_known ? t.shape.back() : pivot::kUnknown;
  if (global && (!keepdims || channels >= 0)) {
    const size_t spatial = t.rank() - 2;
    const std::string layer =
        node.kind == OpKind::ReduceMean ? "GlobalAveragePooling" : "GlobalMaxPooling";
    std::vector<Arg> args = {json_only("data_format", ArgValue::string("channels_last"))};
    if (!keepdims) {
      add_layer(node, layer + std::to_string(spatial) + "D", std::move(args), {in}, out);
      return;
    }
    // TensorFlow.js global pooling has no keepdims: pool, then restore the unit axes.
    const std::string pooled = out + "_pooled";
    out_.name_hints[pooled] = out_.name_hints[out] + "_pooled";
    add_layer(node, layer + std::to_string(spatial) + "D", std::move(args), {in}, pooled, "pool");
    std::vector<int64_t> target(spatial, 1);
    target.push_back(channels);
    Arg shape = kw("target_shape", ArgValue::tuple(target));
    shape.py_name.clear();
    add_layer(node, "Reshape", {shape}, {pooled}, out, "keepdims", "_keepdims");
    return;
  }
  static const std::map<OpKind, std::array<std::string, 3>> kFunctions = {
      {OpKind::ReduceMean, {"keras.ops.mean", "tf.reduce_mean", "math.reduce_mean"}},
      {OpKind::ReduceMax, {"keras.ops.max", "tf.reduce_max", "math.reduce_max"}},
      {OpKind::ReduceSum, {"keras.ops.sum", "tf.reduce_sum", "math.reduce_sum"}},
  };
  const auto& names = kFunctions.at(node.kind);
  OpCall op;
  op.py_function = tf_keras_ ? names[1] : names[0];
  op.tf_function = names[2];
  Arg axis = kw("axis", ArgValue::list(axes));
  if (axes.size() == 1)
    axis.py_value = ArgValue::integer(axes[0]);
  else if (!tf_keras_)
    axis.py_value = ArgValue::tuple(axes);
  op.kwargs.push_back(axis);
  // tf.keras records only the keywords the call spelled out.
  if (keepdims) op.kwargs.push_back(kw("keepdims", ArgValue::boolean(true)));
  add_op(node, std::move(op), {in}, out);
}

void Lowerer::lower_matmul(const pivot::Node& node) {
  // keras.ops.matmul / tf.linalg.matmul broadcast the leading axes like torch.matmul; tf.keras
  // records the second operand as the keyword `b`, which the JSON keeps as its generic `y`.
  OpCall op;
  op.py_function = tf_keras_ ? "tf.linalg.matmul" : "keras.ops.matmul";
  op.tf_function = "linalg.matmul";
  add_op(node, std::move(op), {key(node.inputs[0]), key(node.inputs[1])}, key(node.outputs[0]));
}

void Lowerer::lower_tensordot(const pivot::Node& node) {
  // An integer `axes` n (a's last n axes against b's first n) is the one form whose JSON both
  // APIs record alike; other pairings are reported.
  const auto& axes_a = pivot::attr_ints(node, "axes_a");
  const auto& axes_b = pivot::attr_ints(node, "axes_b");
  const auto& a = graph_.values[node.inputs[0]].type;
  const auto n = static_cast<int64_t>(axes_a.size());
  for (int64_t i = 0; i < n; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (!a.rank_known || axes_a[k] != static_cast<int64_t>(a.rank()) - n + i || axes_b[k] != i)
      return no_mapping(node, "tensordot over axes other than a's last n against b's first n");
  }
  OpCall op;
  op.py_function = tf_keras_ ? "tf.tensordot" : "keras.ops.tensordot";
  op.tf_function = "tensordot";
  op.kwargs.push_back(kw("axes", ArgValue::integer(n)));
  add_op(node, std::move(op), {key(node.inputs[0]), key(node.inputs[1])}, key(node.outputs[0]));
}

}  // namespace nnport::writers::keras
