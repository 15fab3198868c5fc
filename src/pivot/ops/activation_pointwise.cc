// Elementwise activations beyond the basic set (ReLU6, hard sigmoid/swish, Mish, SELU, softplus,
// softsign) and PReLU, whose slope is a learned parameter along the channel axis.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {

void register_pointwise_activation_ops(std::vector<OpSchema>& out) {
  out.push_back(SchemaBuilder(OpKind::Relu6, "min(max(x, 0), 6)").build());
  out.push_back(SchemaBuilder(OpKind::Clip, "min(max(x, min_value), max_value)")
                    .doc("PyTorch Hardtanh / clamp; Keras ReLU(max_value=m) is the case "
                         "min_value = 0 (Relu6 when m = 6).")
                    .attr("min_value", AttrType::Float, -1.0, "lower bound")
                    .attr("max_value", AttrType::Float, 1.0, "upper bound")
                    .shape([](ShapeContext& ctx) {
                      if (ctx.get_float("min_value") > ctx.get_float("max_value"))
                        return ctx.fail("min_value is above max_value");
                      ctx.outputs[0] = ctx.inputs[0];
                      return true;
                    })
                    .build());
  out.push_back(SchemaBuilder(OpKind::Threshold, "x if x > threshold else value")
                    .doc("PyTorch Threshold; Keras ReLU(threshold=t) computes x * (x > t), the "
                         "case value = 0 (a max_value clips the result to [0, max_value] after).")
                    .required_attr("threshold", AttrType::Float, "x above it passes")
                    .attr("value", AttrType::Float, 0.0, "output where x <= threshold")
                    .build());
  out.push_back(SchemaBuilder(OpKind::Hardsigmoid, "min(max(x / 6 + 0.5, 0), 1)")
                    .doc("PyTorch and Keras 3 hard_sigmoid; tf.keras <= 2.15 `hard_sigmoid` is "
                         "clip(0.2x + 0.5) instead (conventions row 18).")
                    .build());
  out.push_back(
      SchemaBuilder(OpKind::Hardswish, "x * hardsigmoid(x) = x * min(max(x + 3, 0), 6) / 6")
          .doc("Keras 3 hard_silu / hard_swish; tf.keras has no such activation.")
          .build());
  out.push_back(SchemaBuilder(OpKind::Mish, "x * tanh(softplus(x))").build());
  out.push_back(
      SchemaBuilder(OpKind::Selu, "scale * (x if x > 0 else alpha * (exp(x) - 1))")
          .doc("alpha = 1.6732632423543772, scale = 1.0507009873554805 in both frameworks.")
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Softplus, "log(1 + exp(beta * x)) / beta; x where beta * x > threshold")
          .doc("Keras' softplus has beta = 1 and no threshold; above threshold=20 the "
               "difference is below float32 resolution.")
          .attr("beta", AttrType::Float, 1.0, "sharpness")
          .attr("threshold", AttrType::Float, 20.0, "linear above beta * x > threshold")
          .build());
  out.push_back(SchemaBuilder(OpKind::Softsign, "x / (1 + |x|)").build());
  out.push_back(
      SchemaBuilder(OpKind::PRelu, "x if x >= 0 else weight[c] * x")
          .doc("One slope per channel (num_parameters = C, channel axis `axis`) or one shared "
               "slope (num_parameters = 1). Keras PReLU keeps alpha of the input's shape without "
               "the batch, with size 1 on its shared_axes.")
          .attr("num_parameters", AttrType::Int, int64_t{1}, "1 or the channel count")
          .attr("axis", AttrType::Int, int64_t{1}, "the channel axis (num_parameters > 1)")
          .param("weight", "num_parameters", "slopes")
          .shape([](ShapeContext& ctx) {
            const TensorType& in = ctx.inputs[0];
            const int64_t count = ctx.get_int("num_parameters");
            if (in.rank_known && count != 1) {
              auto axis = normalize_axis(ctx.get_int("axis"), in.rank());
              if (!axis)
                return ctx.fail("channel axis out of range for " + shape_to_string(in.shape));
              if (in.shape[*axis] >= 0 && in.shape[*axis] != count)
                return ctx.fail("channel axis has size " + std::to_string(in.shape[*axis]) +
                                " but num_parameters is " + std::to_string(count));
            }
            ctx.outputs[0] = in;
            return true;
          })
          .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
            return {attr_int(n, "num_parameters")};
          })
          .build());
}

}  // namespace nnport::pivot
