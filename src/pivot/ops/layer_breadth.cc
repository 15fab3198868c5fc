// Catalog entries for group normalisation, spatial resizing (upsampling) and explicit padding
// with a mode (transposed convolution shares conv.cc with conv). The shape rules work in either
// data format.
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {
namespace {

bool resize_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (in.rank() < 3 || in.rank() > 5)
    return ctx.fail("expects (N, C, *spatial) with 1 to 3 spatial axes");
  const size_t rank = in.rank() - 2;
  const auto& scale = ctx.get_ints("scale");
  if (scale.size() != 1 && scale.size() != rank)
    return ctx.fail("scale has " + std::to_string(scale.size()) + " entries for " +
                    std::to_string(rank) + " spatial axes");
  const bool last = spatial::channels_last(ctx.node);
  const size_t first = last ? 1 : 2;
  TensorType out = in;
  for (size_t i = 0; i < rank; ++i) {
    const int64_t s = scale.size() == 1 ? scale[0] : scale[i];
    if (in.shape[first + i] >= 0) out.shape[first + i] = in.shape[first + i] * s;
  }
  ctx.outputs[0] = out;
  return true;
}

bool pad_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  const auto& pads = ctx.get_ints("pads");
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (pads.size() % 2 != 0 || pads.size() > 2 * in.rank())
    return ctx.fail("pads has " + std::to_string(pads.size()) + " entries for a rank-" +
                    std::to_string(in.rank()) + " input");
  TensorType out = in;
  const size_t first = in.rank() - pads.size() / 2;
  for (size_t j = 0; j < pads.size() / 2; ++j) {
    if (pads[2 * j] < 0 || pads[2 * j + 1] < 0)
      return ctx.fail("negative padding (cropping) is not a pad");
    const size_t i = first + j;
    if (in.shape[i] >= 0) out.shape[i] = in.shape[i] + pads[2 * j] + pads[2 * j + 1];
  }
  ctx.outputs[0] = out;
  return true;
}

}  // namespace

void register_layer_breadth_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::GroupNorm, "Group normalisation: channels split into groups")
          .doc("y = (x - mean_g) / sqrt(var_g + epsilon) * weight + bias, mean and biased variance "
               "over the channels of one group and all spatial positions of each sample. "
               "InstanceNorm is the case num_groups = num_channels (PyTorch affine=False default).")
          .required_attr("num_groups", AttrType::Int, "number of groups (divides num_channels)")
          .required_attr("num_channels", AttrType::Int, "size of the channel axis")
          .attr("epsilon", AttrType::Float, 1e-5, "added to the variance")
          .attr("affine", AttrType::Bool, true, "whether weight and bias exist")
          .attr("axis", AttrType::Int, int64_t{1}, "the channel axis")
          .optional_param("weight", "C", "scale (gamma), when affine")
          .optional_param("bias", "C", "shift (beta), when affine")
          .shape([](ShapeContext& ctx) {
            const TensorType& in = ctx.inputs[0];
            const int64_t c = ctx.get_int("num_channels");
            const int64_t g = ctx.get_int("num_groups");
            if (g <= 0 || c % g != 0) return ctx.fail("num_groups must divide num_channels");
            if (in.rank_known) {
              auto axis = normalize_axis(ctx.get_int("axis"), in.rank());
              if (!axis)
                return ctx.fail("axis out of range for shape " + shape_to_string(in.shape));
              if (in.shape[*axis] >= 0 && in.shape[*axis] != c)
                return ctx.fail("channel axis has size " + std::to_string(in.shape[*axis]) +
                                " but num_channels is " + std::to_string(c));
            }
            ctx.outputs[0] = in;
            return true;
          })
          .param_shape([](const Node& n, const std::string&) -> std::vector<int64_t> {
            return {attr_int(n, "num_channels")};
          })
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Resize, "Spatial upsampling by integer factors")
          .doc("'nearest' repeats each cell; 'linear'/'bilinear' interpolate with half-pixel "
               "centres (PyTorch align_corners=False, Keras UpSampling / Resizing; conventions "
               "row 20). align_corners=True has no Keras equivalent.")
          .required_attr("scale", AttrType::Ints, "factor per spatial axis (one entry: all axes)")
          .attr("mode", AttrType::String, std::string("nearest"), "'nearest' or 'bilinear'")
          .attr("data_format", AttrType::String, std::string("channels_first"),
                "'channels_first' or 'channels_last'")
          .shape(resize_shape)
          .build());
  out.push_back(
      SchemaBuilder(OpKind::Pad, "Pads every axis by [before, after] amounts")
          .doc("mode 'constant' (with value), 'reflect' (mirror without the edge; NumPy/Keras "
               "'reflect'), 'replicate' (repeat the edge; NumPy 'edge') or 'circular' (NumPy "
               "'wrap').")
          .required_attr(
              "pads", AttrType::Ints,
              "[before, after] pairs for the trailing len(pads)/2 axes, first axis first")
          .attr("mode", AttrType::String, std::string("constant"),
                "'constant', 'reflect', 'replicate' or 'circular'")
          .attr("value", AttrType::Float, 0.0, "fill value for 'constant'")
          .shape(pad_shape)
          .build());
}

}  // namespace nnport::pivot
