// Reductions over a set of axes. Global pooling and adaptive pooling to size 1 are reductions
// over the spatial axes; writers recognise them and emit the framework's pooling layers.
#include "pivot/ops/catalog.h"

#include <algorithm>

namespace nnport::pivot {
namespace {

bool reduce_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  std::vector<bool> reduced(in.rank(), false);
  for (int64_t a : ctx.get_ints("axes")) {
    auto axis = normalize_axis(a, in.rank());
    if (!axis)
      return ctx.fail("reduction axis " + std::to_string(a) + " out of range for " +
                      shape_to_string(in.shape));
    reduced[*axis] = true;
  }
  const bool keep = ctx.get_bool("keepdims");
  TensorType out = in;
  out.shape.clear();
  out.layout.clear();
  for (size_t i = 0; i < in.rank(); ++i) {
    if (reduced[i] && !keep) continue;
    out.shape.push_back(reduced[i] ? 1 : in.shape[i]);
    if (in.layout.size() == in.rank()) out.layout.push_back(in.layout[i]);
  }
  ctx.outputs[0] = out;
  return true;
}

OpSchema reduction(OpKind kind, std::string summary) {
  return SchemaBuilder(kind, std::move(summary))
      .required_attr("axes", AttrType::Ints, "reduced axes (non-empty)")
      .attr("keepdims", AttrType::Bool, false, "keep reduced axes with size 1")
      .shape(reduce_shape)
      .build();
}

}  // namespace

void register_reduction_ops(std::vector<OpSchema>& out) {
  out.push_back(reduction(OpKind::ReduceMean, "mean over axes"));
  out.push_back(reduction(OpKind::ReduceMax, "maximum over axes"));
  out.push_back(reduction(OpKind::ReduceSum, "sum over axes"));
}

}  // namespace nnport::pivot
