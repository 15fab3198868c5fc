// Elementwise activations. Every parameter is explicit (conventions row 18).
#include "pivot/ops/catalog.h"

namespace nnport::pivot {
namespace {

bool axis_in_range(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (in.rank_known && !normalize_axis(ctx.get_int("axis"), in.rank()))
    return ctx.fail("axis " + std::to_string(ctx.get_int("axis")) + " out of range for shape " +
                    shape_to_string(in.shape));
  ctx.outputs[0] = in;
  return true;
}

}  // namespace

void register_activation_ops(std::vector<OpSchema>& out) {
  out.push_back(SchemaBuilder(OpKind::Relu, "max(x, 0)").build());
  out.push_back(SchemaBuilder(OpKind::LeakyRelu, "x if x >= 0 else negative_slope * x")
                    .doc("PyTorch default slope 0.01; Keras LeakyReLU layer 0.3, the Keras "
                         "'leaky_relu' string 0.2: always written explicitly.")
                    .attr("negative_slope", AttrType::Float, 0.01, "slope for x < 0")
                    .build());
  out.push_back(SchemaBuilder(OpKind::Sigmoid, "1 / (1 + exp(-x))").build());
  out.push_back(SchemaBuilder(OpKind::Tanh, "hyperbolic tangent").build());
  out.push_back(SchemaBuilder(OpKind::Softmax, "exp(x) / sum(exp(x)) along one axis")
                    .required_attr("axis", AttrType::Int, "the normalised axis")
                    .shape(axis_in_range)
                    .build());
  out.push_back(SchemaBuilder(OpKind::LogSoftmax, "log(softmax(x)) along one axis")
                    .required_attr("axis", AttrType::Int, "the normalised axis")
                    .shape(axis_in_range)
                    .build());
  out.push_back(SchemaBuilder(OpKind::Gelu, "x * Phi(x)")
                    .attr("approximate", AttrType::String, std::string("none"),
                          "'none' (exact erf form) or 'tanh'")
                    .build());
  out.push_back(SchemaBuilder(OpKind::Elu, "x if x > 0 else alpha * (exp(x) - 1)")
                    .attr("alpha", AttrType::Float, 1.0, "scale of the negative part")
                    .build());
  out.push_back(SchemaBuilder(OpKind::Silu, "x * sigmoid(x) (swish)").build());
}

}  // namespace nnport::pivot
