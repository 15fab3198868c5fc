// Normalisation layers.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {
namespace {

bool standardize_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  const auto* mean = std::get_if<std::vector<double>>(&get_attr(ctx.node, "mean"));
  const auto* variance = std::get_if<std::vector<double>>(&get_attr(ctx.node, "variance"));
  // Constant statistics (attributes) or learned ones (parameters of num_features values).
  const bool learned = !mean && !variance && attr_is_set(ctx.node, "num_features");
  if (!learned && (!mean || !variance || mean->empty() || mean->size() != variance->size()))
    return ctx.fail("mean and variance need the same number of values");
  const size_t count = learned ? static_cast<size_t>(ctx.get_int("num_features")) : mean->size();
  if (in.rank_known) {
    auto axis = normalize_axis(ctx.get_int("axis"), in.rank());
    if (!axis) return ctx.fail("axis out of range for shape " + shape_to_string(in.shape));
    const int64_t n = in.shape[*axis];
    if ((learned || count != 1) && n >= 0 && static_cast<size_t>(n) != count)
      return ctx.fail("axis has size " + std::to_string(n) + " but there are " +
                      std::to_string(count) + " statistics");
  }
  ctx.outputs[0] = in;
  return true;
}

}  // namespace

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
              if (!axis)
                return ctx.fail("axis out of range for shape " + shape_to_string(in.shape));
              const int64_t c = in.shape[*axis];
              if (c >= 0 && c != ctx.get_int("num_features"))
                return ctx.fail("channel axis has size " + std::to_string(c) +
                                " but num_features is " +
                                std::to_string(ctx.get_int("num_features")));
            }
            ctx.outputs[0] = in;
            return true;
          })
          .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
            return {attr_int(n, "num_features")};
          })
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Standardize, "Fixed per-feature standardisation along one axis")
          .doc("y = (x - mean) / max(sqrt(variance), epsilon), or with invert x * max(sqrt("
               "variance), epsilon) + mean: Keras Normalization. With mean=, variance= the "
               "statistics are constructor constants (attributes; one value broadcasts); "
               "without, they are learned by adapt() before training (the mean and the biased "
               "variance of the data over every axis but `axis`) and are the layer's weights "
               "(parameters mean, variance and Keras' int64 count, not trained).")
          .optional_attr("mean", AttrType::Floats,
                         "constant: one value per feature, or one for all")
          .optional_attr("variance", AttrType::Floats, "constant: as many values as mean")
          .optional_attr("num_features", AttrType::Int, "learned: size of the feature axis")
          .attr("axis", AttrType::Int, int64_t{-1}, "the feature axis")
          .attr("epsilon", AttrType::Float, 1e-7, "lower bound of the standard deviation")
          .attr("invert", AttrType::Bool, false, "undo the standardisation instead")
          .optional_param("mean", "C", "learned mean")
          .optional_param("variance", "C", "learned biased variance")
          .optional_param("count", "", "Keras' sample count (int64 scalar)")
          .param_shape([](const Node& n, const std::string& role) -> std::vector<int64_t> {
            if (role == "count") return {};
            return {attr_int(n, "num_features")};
          })
          .shape(standardize_shape)
          .build());
}

}  // namespace nnport::pivot
