// Python slices of static sequences (`items[1:]`, `self.blocks[:-1]`): the bounds of a slice
// node and the range they select. Shared by the constant evaluator and the PyTorch tracer, which
// evaluate the bound expressions their own way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "syntax/tree.h"

namespace nnport::syntax {

struct SliceBounds {
  std::optional<int64_t> start, stop, step;  // nullopt: omitted or None
};

// One bound expression's value: `failed` when it is not an int (the evaluator has reported it).
struct SliceBound {
  bool failed = false;
  std::optional<int64_t> value;  // nullopt: None
};

// The bounds of `slice` ([start] ':' [stop] [':' [step]]), each evaluated by `eval_bound`;
// nullopt as soon as one fails.
std::optional<SliceBounds> slice_bounds(Node slice,
                                        const std::function<SliceBound(Node)>& eval_bound);

// [begin, end) selected by step-1 bounds from a sequence of `size` items, clamped as Python
// does (negative bounds count from the end).
struct SliceRange {
  int64_t begin = 0, end = 0;
};
SliceRange slice_range(const SliceBounds& bounds, int64_t size);

}  // namespace nnport::syntax
