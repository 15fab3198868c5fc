// Helpers shared by the sliding-window ops (conv, pooling): per-axis attribute access with
// defaults and the output-shape rule.
#pragma once

#include <vector>

#include "pivot/ops/catalog.h"

namespace nnport::pivot::spatial {

size_t spatial_rank(const Node& node);  // len(kernel_size)
std::vector<int64_t> per_axis(const Node& node, const std::string& name, int64_t fill);
std::vector<int64_t> pads(const Node& node);  // 2 * rank entries
bool channels_last(const Node& node);
// Pooling strides default to the kernel size.
std::vector<int64_t> pool_strides(const Node& node);
std::string spatial_layout(size_t rank, bool channels_last);  // "NCHW" / "NHWC" ...

bool conv_shape(ShapeContext& ctx);
bool pool_shape(ShapeContext& ctx);

}  // namespace nnport::pivot::spatial
