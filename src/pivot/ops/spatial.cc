// Sliding-window shape rules shared by conv and pooling.
#include "pivot/ops/spatial.h"

namespace nnport::pivot::spatial {

size_t spatial_rank(const Node& node) { return attr_ints(node, "kernel_size").size(); }

std::vector<int64_t> per_axis(const Node& node, const std::string& name, int64_t fill) {
  const auto& values = attr_ints(node, name);
  if (values.empty()) return std::vector<int64_t>(spatial_rank(node), fill);
  return values;
}

std::vector<int64_t> pads(const Node& node) {
  const auto& values = attr_ints(node, "pads");
  if (values.empty()) return std::vector<int64_t>(2 * spatial_rank(node), 0);
  return values;
}

std::vector<int64_t> pool_strides(const Node& node) {
  const auto& stride = attr_ints(node, "stride");
  return stride.empty() ? attr_ints(node, "kernel_size") : stride;
}

bool channels_last(const Node& node) { return attr_string(node, "data_format") == "channels_last"; }

std::string spatial_layout(size_t rank, bool last) {
  static const char* kSpatial[] = {"W", "HW", "DHW"};
  const std::string sp = (rank >= 1 && rank <= 3) ? kSpatial[rank - 1] : std::string(rank, '?');
  return last ? "N" + sp + "C" : "NC" + sp;
}

namespace {

bool window_shape(ShapeContext& ctx, bool is_conv) {
  const TensorType& in = ctx.inputs[0];
  const size_t rank = spatial_rank(ctx.node);
  if (rank < 1 || rank > 3) return ctx.fail("spatial rank must be 1, 2 or 3");
  const bool last = channels_last(ctx.node);
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  if (in.rank() != rank + 2)
    return ctx.fail("expects a rank-" + std::to_string(rank + 2) + " input " +
                    spatial_layout(rank, last) + ", got shape " + shape_to_string(in.shape));
  const auto kernel = attr_ints(ctx.node, "kernel_size");
  const auto stride = per_axis(ctx.node, "stride", 1);
  const auto dilation = is_conv ? per_axis(ctx.node, "dilation", 1) : std::vector<int64_t>(rank, 1);
  const auto pad = pads(ctx.node);
  const bool ceil = !is_conv && attr_bool(ctx.node, "ceil_mode");
  TensorType out = in;
  const size_t c_axis = last ? rank + 1 : 1;
  const size_t first_spatial = last ? 1 : 2;
  if (is_conv) {
    const int64_t in_ch = attr_int(ctx.node, "in_channels");
    if (in.shape[c_axis] >= 0 && in.shape[c_axis] != in_ch)
      return ctx.fail("input has " + std::to_string(in.shape[c_axis]) +
                      " channels but in_channels is " + std::to_string(in_ch));
    out.shape[c_axis] = attr_int(ctx.node, "out_channels");
  }
  for (size_t i = 0; i < rank; ++i) {
    const int64_t size = in.shape[first_spatial + i];
    const int64_t o = shape_rules::window_output(size, kernel[i], stride[i], dilation[i],
                                                 pad[2 * i], pad[2 * i + 1], ceil);
    if (size >= 0 && o <= 0)
      return ctx.fail("spatial axis " + std::to_string(i) + " of size " + std::to_string(size) +
                      " is too small for the window");
    out.shape[first_spatial + i] = o;
  }
  out.layout = spatial_layout(rank, last);
  ctx.outputs[0] = out;
  return true;
}

}  // namespace

bool conv_shape(ShapeContext& ctx) { return window_shape(ctx, true); }
bool pool_shape(ShapeContext& ctx) { return window_shape(ctx, false); }

}  // namespace nnport::pivot::spatial
