// Lowering of the sub-pixel shuffles (depth_to_space / space_to_depth) on the channels-last
// tensor the layout planner leaves them. TensorFlow's own op has the 'DCR' channel order: tf.keras
// writes it as tf.nn.depth_to_space. Keras 3 has no such op (keras.ops lacks it, and tf functions
// do not take KerasTensors), and PyTorch's 'CRD' order has no Keras op at all: both become
// Reshape -> Permute -> Reshape layers, which need static spatial sizes.
#include "pivot/ops/catalog.h"
#include "pivot/ops/spatial.h"
#include "writers/keras/lowerer.h"

namespace nnport::writers::keras {

using pivot::OpKind;

void Lowerer::lower_block_shuffle(const pivot::Node& node) {
  const bool to_space = node.kind == OpKind::DepthToSpace;
  const std::string what = to_space ? "depth_to_space" : "space_to_depth";
  if (!pivot::spatial::channels_last(node))
    return no_mapping(node,
                      what + " is channels_first; the Keras writer expects a layout-planned graph");
  const int64_t r = pivot::attr_int(node, "blocksize");
  const bool dcr = pivot::attr_string(node, "mode") == "DCR";
  if (dcr && tf_keras_) {
    OpCall op;
    op.py_function = "tf.nn." + what;
    op.tf_function = "nn." + what;
    op.kwargs.push_back(kw("block_size", ArgValue::integer(r)));
    add_op(node, std::move(op), {key(node.inputs[0])}, key(node.outputs[0]));
    return;
  }
  // Static (N, H, W, C) of the side with the smaller image, and of the other side.
  const auto& small = type(to_space ? node.inputs[0] : node.outputs[0]);
  const auto& large = type(to_space ? node.outputs[0] : node.inputs[0]);
  const auto is_static = [](const pivot::TensorType& t) {
    if (!t.rank_known || t.rank() != 4 || t.shape[0] != pivot::kBatch) return false;
    for (size_t i = 1; i < 4; ++i)
      if (t.shape[i] < 0) return false;
    return true;
  };
  if (!is_static(small) || !is_static(large))
    return no_mapping(node, what +
                                " in Keras needs the static height, width and channels of a "
                                "(N, H, W, C) input (written as Reshape and Permute layers)");
  const int64_t h = small.shape[1], w = small.shape[2], c = large.shape[3];
  // Block axes i (rows) and j (columns) of the moved channels: (i, j, c) in 'DCR', (c, i, j) in
  // 'CRD'; the image side interleaves them as (H, i, W, j, C).
  std::vector<int64_t> blocks, image = {h, r, w, r, c}, perm;
  if (to_space) {
    blocks = dcr ? std::vector<int64_t>{h, w, r, r, c} : std::vector<int64_t>{h, w, c, r, r};
    perm = dcr ? std::vector<int64_t>{1, 3, 2, 4, 5} : std::vector<int64_t>{1, 4, 2, 5, 3};
  } else {
    perm = dcr ? std::vector<int64_t>{1, 3, 2, 4, 5} : std::vector<int64_t>{1, 3, 5, 2, 4};
  }
  const std::vector<int64_t> first = to_space ? blocks : image;
  std::vector<int64_t> last(large.shape.begin() + 1, large.shape.end());
  if (!to_space) last.assign(small.shape.begin() + 1, small.shape.end());
  const std::string split = key(node.outputs[0]) + "_blocks";
  const std::string moved = key(node.outputs[0]) + "_moved";
  const auto positional = [](Arg a) {
    a.py_name.clear();
    return a;
  };
  add_layer(node, "Reshape", {positional(kw("target_shape", ArgValue::tuple(first)))},
            {key(node.inputs[0])}, split, "blocks", "_blocks");
  add_layer(node, "Permute", {positional(kw("dims", ArgValue::tuple(perm)))}, {split}, moved,
            "permute", "_permute");
  add_layer(node, "Reshape", {positional(kw("target_shape", ArgValue::tuple(last)))}, {moved},
            key(node.outputs[0]));
}

}  // namespace nnport::writers::keras
