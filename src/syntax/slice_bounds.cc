#include "syntax/slice_bounds.h"

#include <algorithm>

namespace nnport::syntax {

std::optional<SliceBounds> slice_bounds(Node slice,
                                        const std::function<SliceBound(Node)>& eval_bound) {
  std::optional<int64_t> bounds[3];
  int part = 0;
  for (Node c : slice.children()) {
    if (c.type() == ":") {
      ++part;
      continue;
    }
    if (!c.named() || part > 2) continue;
    const SliceBound b = eval_bound(c);
    if (b.failed) return std::nullopt;
    bounds[part] = b.value;
  }
  return SliceBounds{bounds[0], bounds[1], bounds[2]};
}

SliceRange slice_range(const SliceBounds& bounds, int64_t size) {
  const auto clamp = [&](std::optional<int64_t> b, int64_t omitted) {
    if (!b) return omitted;
    const int64_t v = *b < 0 ? *b + size : *b;
    return std::clamp<int64_t>(v, 0, size);
  };
  const int64_t begin = clamp(bounds.start, 0);
  return SliceRange{begin, std::max(begin, clamp(bounds.stop, size))};
}

}  // namespace nnport::syntax
