// Convolutions and transposed convolutions of any spatial rank: one attribute schema for both.
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {
namespace {

// The attributes and parameters Conv and ConvTranspose share; `pads_doc` says what the pads do.
SchemaBuilder conv_schema(OpKind kind, std::string summary, const char* pads_doc) {
  return std::move(
      SchemaBuilder(kind, std::move(summary))
          .required_attr("in_channels", AttrType::Int, "input channels")
          .required_attr("out_channels", AttrType::Int, "output channels")
          .required_attr("kernel_size", AttrType::Ints, "window size per spatial axis")
          .attr("stride", AttrType::Ints, std::vector<int64_t>{}, "step per axis; [] means all 1")
          .attr("dilation", AttrType::Ints, std::vector<int64_t>{},
                "dilation per axis; [] means all 1")
          .attr("pads", AttrType::Ints, std::vector<int64_t>{}, pads_doc)
          .attr("groups", AttrType::Int, int64_t{1}, "channel groups; in_channels for depthwise")
          .attr("bias", AttrType::Bool, true, "whether a bias is added")
          .attr("data_format", AttrType::String, std::string("channels_first"),
                "'channels_first' (N, C, *spatial) or 'channels_last' (N, *spatial, C)")
          .param_shape([kind](const Node& n, const std::string& role) -> std::vector<int64_t> {
            const int64_t out = attr_int(n, "out_channels");
            if (role == "bias") return {out};
            const int64_t in = attr_int(n, "in_channels");
            const int64_t groups = attr_int(n, "groups");
            // Conv filters are (out, in/groups, *k); transposed ones (in, out/groups, *k).
            std::vector<int64_t> s = kind == OpKind::Conv ? std::vector<int64_t>{out, in / groups}
                                                          : std::vector<int64_t>{in, out / groups};
            for (int64_t k : attr_ints(n, "kernel_size")) s.push_back(k);
            return s;
          }));
}

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
  if (in.rank() != rank + 2)
    return ctx.fail("expects a rank-" + std::to_string(rank + 2) + " input");
  const auto ax = axes_of(ctx.node, rank);
  const auto kernel = attr_ints(ctx.node, "kernel_size");
  const auto stride = spatial::per_axis(ctx.node, "stride", 1);
  const auto dilation = spatial::per_axis(ctx.node, "dilation", 1);
  const auto extra = spatial::per_axis(ctx.node, "output_padding", 0);
  const auto crop = spatial::pads(ctx.node);
  if (in.shape[ax.channel] >= 0 && in.shape[ax.channel] != ctx.get_int("in_channels"))
    return ctx.fail("input has " + std::to_string(in.shape[ax.channel]) +
                    " channels but in_channels is " + std::to_string(ctx.get_int("in_channels")));
  TensorType out = in;
  out.shape[ax.channel] = ctx.get_int("out_channels");
  for (size_t i = 0; i < rank; ++i) {
    const int64_t n = in.shape[ax.first + i];
    if (n < 0) continue;
    // PyTorch: (n - 1) * s - pad_before - pad_after + d * (k - 1) + output_padding + 1
    const int64_t o = (n - 1) * stride[i] - crop[2 * i] - crop[2 * i + 1] +
                      dilation[i] * (kernel[i] - 1) + extra[i] + 1;
    if (o <= 0) return ctx.fail("transposed convolution output would be empty");
    out.shape[ax.first + i] = o;
  }
  out.layout = spatial::spatial_layout(rank, spatial::channels_last(ctx.node));
  ctx.outputs[0] = out;
  return true;
}

}  // namespace

void register_conv_ops(std::vector<OpSchema>& out) {
  out.push_back(
      conv_schema(OpKind::Conv, "N-d convolution (cross-correlation), 1 <= rank <= 3",
                  "zero padding [before_0, after_0, ...]; [] means none")
          .doc(
              "Spatial rank = len(kernel_size). Padding is explicit per axis as "
              "[before_0, after_0, before_1, after_1, ...] (conventions rows 2 and 4: PyTorch pads "
              "symmetrically, Keras 'same' puts the extra pixel after). The weight is stored "
              "(out, in/groups, *kernel) whatever the data format; Keras kernels are "
              "(*kernel, in/groups, out).")
          .attr("padding_mode", AttrType::String, std::string("zeros"),
                "how `pads` are filled: 'zeros', 'reflect', 'replicate' or 'circular'")
          .param("weight", "out, in/groups, *kernel", "filters")
          .optional_param("bias", "out", "bias vector")
          .shape(spatial::conv_shape)
          .build());
  out.push_back(
      conv_schema(OpKind::ConvTranspose,
                  "N-d transposed convolution (gradient of conv), rank 1 to 3",
                  "cropped from the full output [before_0, after_0, ...]; [] means none")
          .doc("out = (n - 1) * stride - pads_before - pads_after + dilation * (k - 1) + "
               "output_padding + 1. PyTorch crops `padding` on both sides; Keras "
               "Conv{r}DTranspose(padding='same') crops (k - s) // 2 first and the rest last "
               "(conventions row 4), so writers crop the uneven rest explicitly. The weight is "
               "stored (in, out/groups, *kernel); Keras kernels are (*kernel, out, in).")
          .attr("output_padding", AttrType::Ints, std::vector<int64_t>{},
                "rows added at the end of each axis (bias only); [] means none")
          .param("weight", "in, out/groups, *kernel", "filters")
          .optional_param("bias", "out", "bias vector")
          .shape(conv_transpose_shape)
          .build());
}

}  // namespace nnport::pivot
