// Indexing and combining ops of forward() code: slice (x[a:b:s], x[:, k]), stack, tile
// (expand/repeat), elementwise maximum/minimum and L2 normalisation along one axis.
#include <algorithm>

#include "pivot/ops/catalog.h"

namespace nnport::pivot {
namespace {

// Python slice semantics for a step > 0 on an axis of size n (negative bounds count from the
// end, bounds are clamped); the number of elements taken.
int64_t slice_length(int64_t n, int64_t start, int64_t stop, int64_t step) {
  auto clamp = [n](int64_t b) {
    if (b < 0) b += n;
    return std::clamp<int64_t>(b, 0, n);
  };
  const int64_t s = clamp(start);
  const int64_t e = clamp(stop);
  if (e <= s) return 0;
  return (e - s + step - 1) / step;
}

bool slice_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  const auto& axes = ctx.get_ints("axes");
  const auto& starts = ctx.get_ints("starts");
  const auto& stops = ctx.get_ints("stops");
  const auto& steps = ctx.get_ints("steps");
  if (starts.size() != axes.size() || stops.size() != axes.size() || steps.size() != axes.size())
    return ctx.fail("axes, starts, stops and steps differ in length");
  TensorType out = in;
  std::vector<bool> squeezed(in.rank(), false);
  for (size_t i = 0; i < axes.size(); ++i) {
    auto axis = normalize_axis(axes[i], in.rank());
    if (!axis) return ctx.fail("slice axis out of range for " + shape_to_string(in.shape));
    if (steps[i] <= 0) return ctx.fail("slice steps must be positive");
    const int64_t n = in.shape[*axis];
    // An axis of run-time size: the length depends on clamping, so it stays unknown.
    out.shape[*axis] = n >= 0 ? slice_length(n, starts[i], stops[i], steps[i]) : kUnknown;
  }
  for (int64_t a : ctx.get_ints("squeeze_axes")) {
    auto axis = normalize_axis(a, in.rank());
    if (!axis) return ctx.fail("squeeze axis out of range");
    if (out.shape[*axis] >= 0 && out.shape[*axis] != 1)
      return ctx.fail("an indexed axis must keep exactly one element");
    squeezed[*axis] = true;
  }
  TensorType result = out;
  result.shape.clear();
  result.layout.clear();
  for (size_t i = 0; i < in.rank(); ++i) {
    if (squeezed[i]) continue;
    result.shape.push_back(out.shape[i]);
    if (in.layout.size() == in.rank()) result.layout.push_back(in.layout[i]);
  }
  ctx.outputs[0] = result;
  return true;
}

bool stack_shape(ShapeContext& ctx) {
  TensorType first = ctx.inputs[0];
  if (!first.rank_known) {
    ctx.outputs[0] = first;
    return true;
  }
  for (const auto& t : ctx.inputs) {
    if (!t.rank_known) {
      ctx.outputs[0] = t;
      return true;
    }
    if (t.rank() != first.rank()) return ctx.fail("stacked tensors differ in rank");
    for (size_t d = 0; d < t.rank(); ++d)
      if (t.shape[d] >= 0 && first.shape[d] >= 0 && t.shape[d] != first.shape[d])
        return ctx.fail("stacked tensors differ in shape: " + shape_to_string(first.shape) +
                        " vs " + shape_to_string(t.shape));
  }
  auto axis = normalize_axis(ctx.get_int("axis"), first.rank() + 1);
  if (!axis) return ctx.fail("stack axis out of range");
  TensorType out = first;
  out.shape.insert(out.shape.begin() + static_cast<long>(*axis),
                   static_cast<int64_t>(ctx.inputs.size()));
  if (first.layout.size() == first.rank())
    out.layout.insert(*axis, 1, '?');
  else
    out.layout.clear();
  ctx.outputs[0] = out;
  return true;
}

bool tile_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  const auto& repeats = ctx.get_ints("repeats");
  if (repeats.size() != in.rank()) return ctx.fail("tile needs one repeat count per axis");
  TensorType out = in;
  for (size_t i = 0; i < repeats.size(); ++i) {
    if (repeats[i] < 1) return ctx.fail("repeat counts must be >= 1");
    if (repeats[i] == 1) continue;
    out.shape[i] = in.shape[i] >= 0 ? in.shape[i] * repeats[i] : kUnknown;
  }
  ctx.outputs[0] = out;
  return true;
}

bool flip_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (in.rank_known)
    for (int64_t a : ctx.get_ints("axes"))
      if (!normalize_axis(a, in.rank()))
        return ctx.fail("flip axis " + std::to_string(a) + " out of range for " +
                        shape_to_string(in.shape));
  ctx.outputs[0] = in;
  return true;
}

// Maximum / minimum of two tensors, or of one tensor and a constant (keras.ops.maximum(x, eps)).
OpSchema extremum(OpKind kind, std::string summary) {
  return SchemaBuilder(kind, std::move(summary))
      .doc(
          "Two tensor inputs (NumPy broadcasting), or one tensor input and the `scalar` "
          "attribute.")
      .inputs(1, 2)
      .optional_attr("scalar", AttrType::Float, "constant operand when there is one input")
      .shape(shape_rules::broadcast)
      .build();
}

bool axis_in_range(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (in.rank_known && !normalize_axis(ctx.get_int("axis"), in.rank()))
    return ctx.fail("axis out of range for " + shape_to_string(in.shape));
  ctx.outputs[0] = in;
  return true;
}

}  // namespace

void register_indexing_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::Slice, "Takes start:stop:step along some axes; drops indexed axes")
          .doc("Python/NumPy basic indexing with constant bounds: for each listed axis, elements "
               "start, start+step, ... before stop (negative bounds count from the end; bounds "
               "are clamped; step > 0; stop " +
               std::to_string(kSliceEnd) +
               " means the end). `squeeze_axes` lists axes that were indexed by an integer "
               "(`x[:, -1]`): their slice is one element long and the axis is removed.")
          .required_attr("axes", AttrType::Ints, "sliced input axes")
          .required_attr("starts", AttrType::Ints, "start per sliced axis")
          .required_attr("stops", AttrType::Ints, "stop per sliced axis (exclusive)")
          .required_attr("steps", AttrType::Ints, "step per sliced axis (>= 1)")
          .attr("squeeze_axes", AttrType::Ints, std::vector<int64_t>{},
                "input axes indexed by an integer, removed from the output")
          .shape(slice_shape)
          .build());
  out.push_back(SchemaBuilder(OpKind::Stack, "Stacks same-shaped tensors along a new axis")
                    .inputs(1, -1)
                    .required_attr("axis", AttrType::Int, "position of the new axis in the OUTPUT")
                    .shape(stack_shape)
                    .build());
  out.push_back(
      SchemaBuilder(OpKind::Tile, "Repeats the whole tensor along each axis")
          .doc("out.shape[i] = in.shape[i] * repeats[i] (numpy.tile with one count per axis). "
               "PyTorch `x.repeat(...)` and `x.expand(...)` of size-1 axes both map here.")
          .required_attr("repeats", AttrType::Ints, "repeat count per axis, batch included")
          .shape(tile_shape)
          .build());
  out.push_back(extremum(OpKind::Maximum, "Elementwise maximum of two tensors (broadcasting)"));
  out.push_back(extremum(OpKind::Minimum, "Elementwise minimum of two tensors (broadcasting)"));
  out.push_back(
      SchemaBuilder(OpKind::Flip, "Reverses the order of the elements along some axes")
          .doc("numpy.flip / torch.flip / tf.reverse. A Keras RNN with go_backwards=True reads "
               "its input flipped along time and returns its sequence in that processing order.")
          .required_attr("axes", AttrType::Ints, "reversed axes")
          .shape(flip_shape)
          .build());
  out.push_back(
      SchemaBuilder(OpKind::L2Normalize, "Divides by the L2 norm along one axis")
          .doc("y = x / max(sqrt(sum(x^2, axis)), epsilon) (PyTorch F.normalize with p=2). "
               "Keras 3 `ops.normalize(order=2, epsilon=e)` computes x * min(rsqrt(s), 1/e), the "
               "same; `tf.math.l2_normalize` bounds the SQUARED sum, so its epsilon is e^2.")
          .attr("axis", AttrType::Int, int64_t{1}, "normalised axis")
          .attr("epsilon", AttrType::Float, 1e-12, "lower bound of the norm")
          .shape(axis_in_range)
          .build());
}

}  // namespace nnport::pivot
