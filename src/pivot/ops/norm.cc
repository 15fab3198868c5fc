// Normalisation layers.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {

void register_norm_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::BatchNorm, "Batch normalisation over one channel axis")
          .doc("Inference: y = (x - running_mean) / sqrt(running_var + epsilon) * weight + bias. "
               "Training update (canonical, PyTorch convention): running = (1 - momentum) * "
               "running + momentum * batch_stat, so momentum weighs the NEW value; Keras' "
               "momentum weighs the OLD one (keras = 1 - canonical). PyTorch updates running_var "
               "with the unbiased batch variance, Keras 3 with the biased one (conventions row 5).")
          .required_attr("num_features", AttrType::Int, "size of the channel axis")
          .attr("epsilon", AttrType::Float, 1e-5, "added to the variance")
          .attr("momentum", AttrType::Float, 0.1, "weight of the new batch statistic")
          .attr("affine", AttrType::Bool, true, "whether weight and bias exist")
          .attr("track_running_stats", AttrType::Bool, true, "whether running statistics exist")
          .attr("axis", AttrType::Int, int64_t{1}, "the channel axis")
          .optional_param("weight", "C", "scale (gamma), when affine")
          .optional_param("bias", "C", "shift (beta), when affine")
          .optional_param("running_mean", "C", "moving mean")
          .optional_param("running_var", "C", "moving variance")
          .shape([](ShapeContext& ctx) {
            const TensorType& in = ctx.inputs[0];
            if (in.rank_known) {
              auto axis = normalize_axis(ctx.get_int("axis"), in.rank());
              if (!axis) return ctx.fail("axis out of range for shape " + shape_to_string(in.shape));
              const int64_t c = in.shape[*axis];
              if (c >= 0 && c != ctx.get_int("num_features"))
                return ctx.fail("channel axis has size " + std::to_string(c) +
                                " but num_features is " + std::to_string(ctx.get_int("num_features")));
            }
            ctx.outputs[0] = in;
            return true;
          })
          .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
            return {attr_int(n, "num_features")};
          })
          .build());
}

} // namespace nnport::pivot
