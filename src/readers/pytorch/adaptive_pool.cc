// PyTorch's adaptive pooling takes, for output cell i of an axis of size In with Out cells,
// the window [floor(i * In / Out), ceil((i + 1) * In / Out)). Average and max pooling over a
// box are separable, so each spatial axis is handled on its own:
//   - In % Out == 0: every window has In / Out cells and windows do not overlap: one plain
//     pooling node (kernel = stride = In / Out; 1 for the other axes) covers all such axes;
//   - otherwise: one slice + keepdims reduction per output cell, concatenated along the axis.
// The average stays exact because every cell of a box is averaged with the same weight along
// each axis in turn.
#include "readers/pytorch/adaptive_pool.h"

#include "pivot/ops/catalog.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;

namespace {

struct Window {
  int64_t start, stop;
};

std::vector<Window> windows(int64_t in, int64_t out) {
  std::vector<Window> w;
  for (int64_t i = 0; i < out; ++i) w.push_back({i * in / out, ((i + 1) * in + out - 1) / out});
  return w;
}

}  // namespace

TValue trace_adaptive_pool(Tracer& tracer, OpKind reduce_kind, pivot::ValueId x,
                           const pivot::Attrs& attrs, const std::string& name, Node call) {
  const auto& requested = std::get<std::vector<int64_t>>(attrs.at("output_size"));
  const size_t rank = requested.size();
  const bool is_max = reduce_kind == OpKind::ReduceMax;
  const std::string what = std::string(is_max ? "adaptive max" : "adaptive average") + " pooling";
  // A copy: adding nodes grows the value table that type_of() points into.
  const pivot::TensorType t = tracer.type_of(x);
  if (!t.rank_known || t.rank() != rank + 2)
    return tracer.unsupported(call, Code::NeedsInputShape,
                              what + " needs a rank-" + std::to_string(rank + 2) +
                                  " (N, C, spatial...) input of known shape; got " +
                                  (t.rank_known ? pivot::shape_to_string(t.shape) : "unknown rank"),
                              {x});
  std::vector<int64_t> kernel(rank, 1);
  std::vector<size_t> uneven;
  for (size_t i = 0; i < rank; ++i) {
    const int64_t in = t.shape[2 + i];
    if (requested[i] == -1) continue;  // None: the axis keeps its size
    if (in <= 0)
      return tracer.unsupported(call, Code::NeedsInputShape,
                                what + " to size " + std::to_string(requested[i]) +
                                    " over spatial axis " + std::to_string(i) +
                                    " needs its static size (input " +
                                    pivot::shape_to_string(t.shape) + "); pass --input-shape",
                                {x});
    if (in % requested[i] == 0)
      kernel[i] = in / requested[i];
    else
      uneven.push_back(i);
  }
  pivot::ValueId h = x;
  bool pooled = false;
  for (int64_t k : kernel) pooled = pooled || k > 1;
  if (pooled) {
    pivot::Attrs pool{{"kernel_size", kernel}, {"data_format", std::string("channels_first")}};
    h = tracer
            .add_node(is_max ? OpKind::MaxPool : OpKind::AvgPool, name, {}, {h}, std::move(pool),
                      call)
            .tensor;
  }
  for (size_t i : uneven) {
    const auto axis = static_cast<int64_t>(2 + i);
    std::vector<pivot::ValueId> cells;
    for (const auto& w : windows(t.shape[2 + i], requested[i])) {
      pivot::Attrs slice{{"axes", std::vector<int64_t>{axis}},
                         {"starts", std::vector<int64_t>{w.start}},
                         {"stops", std::vector<int64_t>{w.stop}},
                         {"steps", std::vector<int64_t>{1}},
                         {"squeeze_axes", std::vector<int64_t>{}}};
      const pivot::ValueId part =
          tracer.add_node(OpKind::Slice, name + "_window", {}, {h}, std::move(slice), call).tensor;
      pivot::Attrs reduce{{"axes", std::vector<int64_t>{axis}}, {"keepdims", true}};
      cells.push_back(
          tracer.add_node(reduce_kind, name + "_cell", {}, {part}, std::move(reduce), call).tensor);
    }
    h = tracer.add_node(OpKind::Concat, name, {}, cells, {{"axis", axis}}, call).tensor;
  }
  return TValue::of_tensor(h);
}

}  // namespace nnport::readers::pytorch
