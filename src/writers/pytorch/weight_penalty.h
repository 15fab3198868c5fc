// The source's weight penalties (Keras kernel_regularizer=l2(c), ...) as a method of the
// generated module, regularization_loss(), which the generated training loop adds to the loss:
// Keras adds l1 * sum(|w|) + l2 * sum(w^2) of each regularised weight to the loss it trains on
// and reports. Not an optimiser weight_decay: that differs in scale and, for Adam, in effect
// (conventions rows 21-23).
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"

namespace nnport::writers::pytorch {

inline constexpr const char* kPenaltyMethod = "regularization_loss";

// Whether any parameter of `graph` carries a penalty.
bool has_weight_penalty(const pivot::Graph& graph);

// The method's lines (def at 4 spaces, body at 8), or none when no
// parameter has a penalty. `plan` gives each parameter's state_dict key.
std::vector<std::string> penalty_method(const pivot::Graph& graph, const pivot::WeightPlan& plan);

}  // namespace nnport::writers::pytorch
