// Where a layer's pivot parameters go in the generated module's state_dict (internal to the
// PyTorch writer). The canonical layouts of the catalog are PyTorch's, so most parameters keep
// their role as the attribute name and need no permutation.
#pragma once

#include <string>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"

namespace nnport::writers::pytorch {

// Adds the slots of `node`'s parameters for the layer attribute `attr`. False with `error` when a
// parameter has no place in the PyTorch module.
bool plan_layer_params(const pivot::Graph& graph, const pivot::Node& node, const std::string& attr,
                       pivot::WeightPlan& plan, std::string& error);

}  // namespace nnport::writers::pytorch
