// Where each pivot parameter goes in the target framework's weights file. Writers produce the
// plan (they decide layer names); weight conversion executes it.
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::pivot {

struct WeightSlot {
  std::string target_name;   // e.g. "layers/conv1/vars/0" (Keras) or "conv1.weight" (PyTorch)
  ParamId param = 0;         // parameter of the graph the plan was made for
  std::vector<int64_t> perm; // target = canonical.permute(perm); empty means identity
};

struct WeightPlan {
  std::vector<WeightSlot> slots;
  // Groups the target file must contain even without tensors (Keras: weightless layers).
  std::vector<std::string> empty_groups;
};

} // namespace nnport::pivot
