// Trained-weight conversion: read the source checkpoint, map tensors to pivot parameters by
// name, bring them to canonical layout, apply recorded transforms, permute to the target
// layout, and write the target file atomically.
#pragma once

#include <string>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/diagnostics.h"

namespace nnport::weights {

// PyTorch checkpoint (.safetensors; .pt/.pth when supported) -> Keras 3 `.weights.h5`.
// `graph` is the graph the plan was made for (its params carry names and transforms).
// Returns false after reporting diagnostics; then no output file exists.
bool convert_to_keras_h5(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                         const std::string& input_path, const std::string& output_path,
                         DiagnosticEngine& diags);

} // namespace nnport::weights
