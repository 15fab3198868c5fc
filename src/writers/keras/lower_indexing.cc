// Lowering of indexing and combining ops: slice -> a Python subscript (SlicingOpLambda in the
// JSON), stack / tile / reshape-without-batch-first -> keras.ops (tf.*), maximum / minimum ->
// the Maximum / Minimum layers (ops when broadcasting), l2_normalize -> ops.normalize
// (tf.math.l2_normalize), square / sqrt / abs / exp / log -> keras.ops (tf.math). None of these
// has a Keras layer that acts on arbitrary axes.
#include <algorithm>
#include <cmath>
#include <map>

#include "pivot/ops/catalog.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {

using pivot::OpKind;

namespace {

// Axis as Keras code states it: -1 for the last axis, else the non-negative index.
std::optional<int64_t> keras_axis(int64_t axis, const pivot::TensorType& t) {
  if (!t.rank_known) return axis == -1 ? std::optional<int64_t>(-1) : std::nullopt;
  auto a = pivot::normalize_axis(axis, t.rank());
  if (!a) return std::nullopt;
  return *a + 1 == t.rank() ? -1 : static_cast<int64_t>(*a);
}

}  // namespace

void Lowerer::lower_slice(const pivot::Node& node) {
  const auto& t = type(node.inputs[0]);
  if (!t.rank_known) return no_mapping(node, "slice of a tensor of unknown rank");
  const auto& axes = pivot::attr_ints(node, "axes");
  const auto& starts = pivot::attr_ints(node, "starts");
  const auto& stops = pivot::attr_ints(node, "stops");
  const auto& steps = pivot::attr_ints(node, "steps");
  const auto& squeeze = pivot::attr_ints(node, "squeeze_axes");
  std::vector<SubscriptItem> items;
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = pivot::normalize_axis(axes[i], t.rank());
    if (!axis) return no_mapping(node, "slice axis out of range");
    if (*axis == 0) return no_mapping(node, "slicing the batch axis has no Keras model equivalent");
    if (items.size() <= *axis) items.resize(*axis + 1);
    SubscriptItem& item = items[*axis];
    const bool indexed = std::any_of(squeeze.begin(), squeeze.end(), [&](int64_t s) {
      return pivot::normalize_axis(s, t.rank()) == axis;
    });
    if (indexed) {
      item.index = true;
      item.start = starts[i];
      continue;
    }
    if (starts[i] != 0) item.start = starts[i];
    if (stops[i] != pivot::kSliceEnd) item.stop = stops[i];
    if (steps[i] != 1) item.step = steps[i];
  }
  OpCall op;
  op.tf_function = "__operators__.getitem";
  op.subscript = std::move(items);
  auto& record = add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
  record.class_name = "SlicingOpLambda";
}

void Lowerer::lower_stack(const pivot::Node& node) {
  const auto& out = type(node.outputs[0]);
  int64_t axis = pivot::attr_int(node, "axis");
  if (out.rank_known) {
    auto a = pivot::normalize_axis(axis, out.rank());
    if (!a) return no_mapping(node, "stack axis out of range");
    if (*a == 0) return no_mapping(node, "stacking along the batch axis");
    axis = static_cast<int64_t>(*a);
  }
  OpCall op;
  op.py_function = tf_keras_ ? "tf.stack" : "keras.ops.stack";
  op.tf_function = "stack";
  op.list_input = true;
  op.kwargs.push_back(kw("axis", ArgValue::integer(axis)));
  std::vector<std::string> inputs;
  for (auto v : node.inputs) inputs.push_back(key(v));
  add_op(node, std::move(op), std::move(inputs), key(node.outputs[0]));
}

void Lowerer::lower_tile(const pivot::Node& node) {
  const auto& repeats = pivot::attr_ints(node, "repeats");
  if (repeats.empty() || repeats[0] != 1) return no_mapping(node, "repeating along the batch axis");
  OpCall op;
  op.py_function = tf_keras_ ? "tf.tile" : "keras.ops.tile";
  op.tf_function = "tile";
  op.kwargs.push_back(Arg{tf_keras_ ? "multiples" : "repeats",
                          "multiples",
                          ArgValue::list(repeats),
                          true,
                          {},
                          ArgValue::tuple(repeats)});
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
}

void Lowerer::lower_extremum(const pivot::Node& node) {
  const bool is_max = node.kind == OpKind::Maximum;
  if (node.inputs.size() < 2) return no_mapping(node, "maximum / minimum with a constant operand");
  const auto& a = type(node.inputs[0]);
  const auto& b = type(node.inputs[1]);
  std::vector<std::string> inputs = {key(node.inputs[0]), key(node.inputs[1])};
  if (a.rank_known && b.rank_known && a.shape == b.shape) {
    add_layer(node, is_max ? "Maximum" : "Minimum", {}, std::move(inputs), key(node.outputs[0]));
    return;
  }
  OpCall op;
  op.py_function =
      std::string(tf_keras_ ? "tf.math." : "keras.ops.") + (is_max ? "maximum" : "minimum");
  op.tf_function = is_max ? "math.maximum" : "math.minimum";
  add_op(node, std::move(op), std::move(inputs), key(node.outputs[0]));
}

void Lowerer::lower_math(const pivot::Node& node) {
  static const std::map<OpKind, std::string> kNames = {{OpKind::Square, "square"},
                                                       {OpKind::Sqrt, "sqrt"},
                                                       {OpKind::Abs, "abs"},
                                                       {OpKind::Exp, "exp"},
                                                       {OpKind::Log, "log"}};
  const std::string& name = kNames.at(node.kind);
  OpCall op;
  op.py_function = (tf_keras_ ? "tf.math." : "keras.ops.") + name;
  op.tf_function = "math." + name;
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
}

void Lowerer::lower_l2_normalize(const pivot::Node& node) {
  auto axis = keras_axis(pivot::attr_int(node, "axis"), type(node.inputs[0]));
  if (!axis) return no_mapping(node, "l2_normalize axis out of range");
  if (*axis == 0) return no_mapping(node, "normalising across the batch axis");
  const double eps = pivot::attr_float(node, "epsilon");
  OpCall op;
  op.tf_function = "math.l2_normalize";
  op.kwargs.push_back(kw("axis", ArgValue::integer(*axis)));
  if (tf_keras_) {
    op.py_function = "tf.math.l2_normalize";
    op.kwargs.push_back(kw("epsilon", ArgValue::real(eps * eps)));  // bounds the squared sum
  } else {
    op.py_function = "keras.ops.normalize";
    op.kwargs.push_back(Arg{"order", "", ArgValue::integer(2), true, {}, {}});
    // ops.normalize bounds the norm itself; the JSON's tf.math.l2_normalize its square.
    op.kwargs.push_back(
        Arg{"epsilon", "epsilon", ArgValue::real(eps), true, ArgValue::real(eps * eps), {}});
  }
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
}

bool Lowerer::reshape_op(const pivot::Node& node) {
  const auto& out = type(node.outputs[0]);
  if (!out.rank_known) return false;
  std::vector<int64_t> target;
  int dynamic = 0;
  for (int64_t d : out.shape) {
    if (d < 0) ++dynamic;
    target.push_back(d < 0 ? -1 : d);
  }
  if (dynamic > 1) return false;
  OpCall op;
  op.py_function = tf_keras_ ? "tf.reshape" : "keras.ops.reshape";
  op.tf_function = "reshape";
  op.kwargs.push_back(Arg{"", "shape", ArgValue::list(target), true, {}, ArgValue::tuple(target)});
  add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
  return true;
}

}  // namespace nnport::writers::keras
