// Binary elementwise arithmetic with broadcasting; one operand may be a scalar constant.
#include "pivot/ops/catalog.h"

#include <algorithm>

namespace nnport::pivot {
namespace {


OpSchema binary(OpKind kind, std::string summary) {
  return SchemaBuilder(kind, std::move(summary))
      .doc("Two tensor inputs (NumPy broadcasting), or one tensor input and the `scalar` "
           "attribute; `scalar_first` puts the scalar on the left (for sub and div).")
      .inputs(1, 2)
      .optional_attr("scalar", AttrType::Float, "constant operand when there is one input")
      .attr("scalar_first", AttrType::Bool, false, "scalar is the left operand")
      .shape(shape_rules::broadcast)
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
