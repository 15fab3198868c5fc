// Catalog entries for transposed convolution, group normalisation, spatial resizing
// (upsampling) and explicit padding with a mode. Their shape rules work in either data format.
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {
namespace {

// Index of the first spatial axis and of the channel axis for a rank-(r + 2) tensor.
struct SpatialAxes {
  size_t first;
  size_t channel;
};
SpatialAxes axes_of(const Node& node, size_t rank) {
  const bool last = spatial::channels_last(node);
  return {last ? size_t{1} : size_t{2}, last ? rank + 1 : size_t{1}};
}

bool conv_transpose_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  const size_t rank = spatial::spatial_rank(ctx.node);
  if (rank < 1 || rank > 3) return ctx.fail("spatial rank must be 1, 2 or 3");
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (in.rank() != rank + 2) return ctx.fail("expects a rank-" + std::to_string(rank + 2) + " input");
  const auto ax = axes_of(ctx.node, rank);
  const auto kernel = attr_ints(ctx.node, "kernel_size");
  const auto stride = spatial::per_axis(ctx.node, "stride", 1);
  const auto dilation = spatial::per_axis(ctx.node, "dilation", 1);
  const auto extra = spatial::per_axis(ctx.node, "output_padding", 0);
  const auto crop = spatial::pads(ctx.node);
  if (in.shape[ax.channel] >= 0 && in.shape[ax.channel] != ctx.get_int("in_channels"))
    return ctx.fail("input has " + std::to_string(in.shape[ax.channel]) + " channels but in_channels is " +
                    std::to_string(ctx.get_int("in_channels")));
  TensorType out = in;
  out.shape[ax.channel] = ctx.get_int("out_channels");
  for (size_t i = 0; i < rank; ++i) {
    const int64_t n = in.shape[ax.first + i];
    if (n < 0) continue;
    // PyTorch: (n - 1) * s - pad_before - pad_after + d * (k - 1) + output_padding + 1
    const int64_t o = (n - 1) * stride[i] - crop[2 * i] - crop[2 * i + 1] + dilation[i] * (kernel[i] - 1) +
                      extra[i] + 1;
    if (o <= 0) return ctx.fail("transposed convolution output would be empty");
    out.shape[ax.first + i] = o;
  }
  out.layout = spatial::spatial_layout(rank, spatial::channels_last(ctx.node));
  ctx.outputs[0] = out;
  return true;
}

bool resize_shape(ShapeContext& ctx) {
  const TensorType& in = ctx.inputs[0];
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (in.rank() < 3 || in.rank() > 5) return ctx.fail("expects (N, C, *spatial) with 1 to 3 spatial axes");
  const size_t rank = in.rank() - 2;
  const auto& scale = ctx.get_ints("scale");
  if (scale.size() != 1 && scale.size() != rank)
    return ctx.fail("scale has " + std::to_string(scale.size()) + " entries for " + std::to_string(rank) +
                    " spatial axes");
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
    if (pads[2 * j] < 0 || pads[2 * j + 1] < 0) return ctx.fail("negative padding (cropping) is not a pad");
    const size_t i = first + j;
    if (in.shape[i] >= 0) out.shape[i] = in.shape[i] + pads[2 * j] + pads[2 * j + 1];
  }
  ctx.outputs[0] = out;
  return true;
}

} // namespace

void register_layer_breadth_ops(std::vector<OpSchema>& out) {
  out.push_back(
      SchemaBuilder(OpKind::ConvTranspose, "N-d transposed convolution (gradient of conv), rank 1 to 3")
          .doc("out = (n - 1) * stride - pads_before - pads_after + dilation * (k - 1) + "
               "output_padding + 1. PyTorch crops `padding` on both sides; Keras "
               "Conv{r}DTranspose(padding='same') crops (k - s) // 2 first and the rest last "
               "(conventions row 4), so writers use 'valid' plus an explicit crop. The weight is "
               "stored (in, out/groups, *kernel); Keras kernels are (*kernel, out, in).")
          .required_attr("in_channels", AttrType::Int, "input channels")
          .required_attr("out_channels", AttrType::Int, "output channels")
          .required_attr("kernel_size", AttrType::Ints, "window size per spatial axis")
          .attr("stride", AttrType::Ints, std::vector<int64_t>{}, "step per axis; [] means all 1")
          .attr("dilation", AttrType::Ints, std::vector<int64_t>{}, "dilation per axis; [] means all 1")
          .attr("pads", AttrType::Ints, std::vector<int64_t>{},
                "cropped from the full output [before_0, after_0, ...]; [] means none")
          .attr("output_padding", AttrType::Ints, std::vector<int64_t>{},
                "rows added at the end of each axis (bias only); [] means none")
          .attr("groups", AttrType::Int, int64_t{1}, "channel groups")
          .attr("bias", AttrType::Bool, true, "whether a bias is added")
          .attr("data_format", AttrType::String, std::string("channels_first"),
                "'channels_first' or 'channels_last'")
          .param("weight", "in, out/groups, *kernel", "filters")
          .optional_param("bias", "out", "bias vector")
          .shape(conv_transpose_shape)
          .param_shape([](const Node& n, const std::string& role) -> std::vector<int64_t> {
            if (role == "bias") return {attr_int(n, "out_channels")};
            std::vector<int64_t> s = {attr_int(n, "in_channels"),
                                      attr_int(n, "out_channels") / attr_int(n, "groups")};
            for (int64_t k : attr_ints(n, "kernel_size")) s.push_back(k);
            return s;
          })
          .build());
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
              if (!axis) return ctx.fail("axis out of range for shape " + shape_to_string(in.shape));
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
               "'reflect'), 'replicate' (repeat the edge; NumPy 'edge') or 'circular' (NumPy 'wrap').")
          .required_attr("pads", AttrType::Ints,
                         "[before, after] pairs for the trailing len(pads)/2 axes, first axis first")
          .attr("mode", AttrType::String, std::string("constant"),
                "'constant', 'reflect', 'replicate' or 'circular'")
          .attr("value", AttrType::Float, 0.0, "fill value for 'constant'")
          .shape(pad_shape)
          .build());
}

} // namespace nnport::pivot
