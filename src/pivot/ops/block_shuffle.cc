// Catalog entries for the sub-pixel shuffles (ONNX DepthToSpace / SpaceToDepth): channels moved
// into r x r spatial blocks and back. The two frameworks order the moved channels differently,
// so the order is an attribute (`mode`), kept whatever layout the tensor is stored in.
#include "pivot/ops/catalog.h"

#include "pivot/ops/spatial.h"

namespace nnport::pivot {
namespace {

// (N, C*r*r, H, W) <-> (N, C, H*r, W*r), channels_first or channels_last.
bool block_shuffle_shape(ShapeContext& ctx, bool to_space) {
  const TensorType& in = ctx.inputs[0];
  const int64_t r = ctx.get_int("blocksize");
  if (r < 1) return ctx.fail("blocksize must be positive");
  const std::string& mode = ctx.get_string("mode");
  if (mode != "DCR" && mode != "CRD") return ctx.fail("mode must be 'DCR' or 'CRD'");
  if (!in.rank_known) {
    ctx.outputs[0] = in;
    return true;
  }
  const bool last = spatial::channels_last(ctx.node);
  if (in.rank() != 4)
    return ctx.fail("expects a rank-4 input " + spatial::spatial_layout(2, last) + ", got shape " +
                    shape_to_string(in.shape));
  const size_t c_axis = last ? 3 : 1;
  const size_t first = last ? 1 : 2;
  TensorType out = in;
  const int64_t c = in.shape[c_axis];
  if (to_space) {
    if (c >= 0 && c % (r * r) != 0)
      return ctx.fail(std::to_string(c) +
                      " channels are not a multiple of blocksize^2 = " + std::to_string(r * r));
    out.shape[c_axis] = c >= 0 ? c / (r * r) : kUnknown;
  } else {
    out.shape[c_axis] = c >= 0 ? c * r * r : kUnknown;
  }
  for (size_t i = first; i < first + 2; ++i) {
    const int64_t n = in.shape[i];
    if (n < 0) continue;
    if (!to_space && n % r != 0)
      return ctx.fail("spatial size " + std::to_string(n) + " is not a multiple of blocksize " +
                      std::to_string(r));
    out.shape[i] = to_space ? n * r : n / r;
  }
  out.layout = spatial::spatial_layout(2, last);
  ctx.outputs[0] = out;
  return true;
}

SchemaBuilder& shuffle_attrs(SchemaBuilder& b) {
  return b.required_attr("blocksize", AttrType::Int, "r: the side of a moved block")
      .attr("mode", AttrType::String, std::string("DCR"),
            "channel order of a block: 'DCR' (TensorFlow) or 'CRD' (PyTorch)")
      .attr("data_format", AttrType::String, std::string("channels_first"),
            "'channels_first' or 'channels_last'");
}

}  // namespace

void register_block_shuffle_ops(std::vector<OpSchema>& out) {
  SchemaBuilder d2s(OpKind::DepthToSpace, "Moves channels into r x r spatial blocks");
  d2s.doc(
      "(N, C*r*r, H, W) -> (N, C, H*r, W*r): out[n, c, h*r + i, w*r + j] = in[n, k, h, w] "
      "with k = (i*r + j)*C + c in mode 'DCR' (tf.nn.depth_to_space, ONNX's default) and "
      "k = c*r*r + i*r + j in mode 'CRD' (nn.PixelShuffle / F.pixel_shuffle). The mode is "
      "the channel order, independent of the stored layout (conventions: sub-pixel "
      "shuffle).");
  out.push_back(shuffle_attrs(d2s)
                    .shape([](ShapeContext& ctx) { return block_shuffle_shape(ctx, true); })
                    .build());
  SchemaBuilder s2d(OpKind::SpaceToDepth, "Moves r x r spatial blocks into channels");
  s2d.doc(
      "The inverse of depth_to_space with the same blocksize and mode: (N, C, H*r, W*r) -> "
      "(N, C*r*r, H, W). 'DCR' is tf.nn.space_to_depth, 'CRD' nn.PixelUnshuffle / "
      "F.pixel_unshuffle.");
  out.push_back(shuffle_attrs(s2d)
                    .shape([](ShapeContext& ctx) { return block_shuffle_shape(ctx, false); })
                    .build());
}

}  // namespace nnport::pivot
