// A module's stored tensor (nn.Parameter / registered buffer) as forward() sees it before an op
// consumes it: `self.pe[:, :x.size(1)]`, `self.cls_token.expand(n, -1, -1)`.
#pragma once

#include "readers/pytorch/tracer.h"

namespace nnport::readers::pytorch {

struct StoredRef {
  std::string name = {};               // state_dict key relative to the traced definition
  std::vector<int64_t> shape = {};     // the stored tensor's full shape
  int64_t slice_axis = -1;             // `[..., :n]` on this axis; -1: not sliced
  std::optional<int64_t> length = {};  // n when a constant; nullopt: a run-time size
  bool expanded = false;               // .expand(batch, -1, ...) / .repeat(batch, 1, ...)
  bool buffer = false;                 // register_buffer (not trained), else an nn.Parameter
  // .transpose(a, b) / .permute(...): view axis i is stored axis perm[i]; empty: as stored.
  std::vector<int64_t> perm = {};
};

}  // namespace nnport::readers::pytorch
