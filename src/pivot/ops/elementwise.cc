// Binary elementwise arithmetic with broadcasting; one operand may be a scalar constant.
#include "pivot/ops/catalog.h"

#include <algorithm>

namespace nnport::pivot {
namespace {

bool broadcast_shape(ShapeContext& ctx) {
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
    if (da == 1) out.shape[i] = db;
    else if (db == 1) out.shape[i] = da;
    else if (da >= 0 && db >= 0 && da != db)
      return ctx.fail("cannot broadcast " + shape_to_string(a.shape) + " with " +
                      shape_to_string(b.shape));
    else out.shape[i] = da >= 0 ? da : db;
  }
  if (a.layout != b.layout || a.rank() != b.rank()) out.layout = a.rank() >= b.rank() ? a.layout : b.layout;
  ctx.outputs[0] = out;
  return true;
}

OpSchema binary(OpKind kind, std::string summary) {
  return SchemaBuilder(kind, std::move(summary))
      .doc("Two tensor inputs (NumPy broadcasting), or one tensor input and the `scalar` "
           "attribute; `scalar_first` puts the scalar on the left (for sub and div).")
      .inputs(1, 2)
      .optional_attr("scalar", AttrType::Float, "constant operand when there is one input")
      .attr("scalar_first", AttrType::Bool, false, "scalar is the left operand")
      .shape(broadcast_shape)
      .build();
}

} // namespace

void register_elementwise_ops(std::vector<OpSchema>& out) {
  out.push_back(binary(OpKind::Add, "a + b"));
  out.push_back(binary(OpKind::Sub, "a - b"));
  out.push_back(binary(OpKind::Mul, "a * b"));
  out.push_back(binary(OpKind::Div, "a / b"));
}

} // namespace nnport::pivot
