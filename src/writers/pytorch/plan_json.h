// The weight plan as JSON, for tools that convert a checkpoint outside nnport (the PyTorch
// round-trip test applies it with torch): one entry per target tensor with every step the
// weights engine would apply, in order.
#pragma once

#include <nlohmann/json.hpp>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"

namespace nnport::writers::pytorch {

// {"slots": [{"target", "parts": [{"source", "source_slice", "source_perm", "transforms"}],
//             "block_order", "perm", "combine", "shape"}]}
nlohmann::json weight_plan_json(const pivot::Graph& graph, const pivot::WeightPlan& plan);

}  // namespace nnport::writers::pytorch
