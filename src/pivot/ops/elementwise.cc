// Binary elementwise arithmetic with broadcasting (one operand may be a scalar constant), and
// the unary elementwise math functions.
#include "pivot/ops/catalog.h"

#include <algorithm>

namespace nnport::pivot {
namespace {

OpSchema binary(OpKind kind, std::string summary) {
  return SchemaBuilder(kind, std::move(summary))
      .doc(
          "Two tensor inputs (NumPy broadcasting), or one tensor input and the `scalar` "
          "attribute; `scalar_first` puts the scalar on the left (for sub and div).")
      .inputs(1, 2)
      .optional_attr("scalar", AttrType::Float, "constant operand when there is one input")
      .attr("scalar_first", AttrType::Bool, false, "scalar is the left operand")
      .shape(shape_rules::broadcast)
      .build();
}

}  // namespace

void register_elementwise_ops(std::vector<OpSchema>& out) {
  out.push_back(binary(OpKind::Add, "a + b"));
  out.push_back(binary(OpKind::Sub, "a - b"));
  out.push_back(binary(OpKind::Mul, "a * b"));
  out.push_back(binary(OpKind::Div, "a / b"));
  out.push_back(SchemaBuilder(OpKind::Square, "x * x").build());
  out.push_back(SchemaBuilder(OpKind::Sqrt, "square root (NaN below 0)").build());
  out.push_back(SchemaBuilder(OpKind::Abs, "|x|").build());
  out.push_back(SchemaBuilder(OpKind::Exp, "e ** x").build());
  out.push_back(SchemaBuilder(OpKind::Log, "natural logarithm (-inf at 0, NaN below 0)").build());
}

}  // namespace nnport::pivot
