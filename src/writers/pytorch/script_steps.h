// The PyTorch spelling of training-script steps: optimiser and loss objects, DataLoaders, a
// conventional training loop for fit(), an evaluation loop under torch.no_grad(), torch.save.
#pragma once

#include <memory>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "support/diagnostics.h"
#include "writers/script_writer.h"

namespace nnport::writers::pytorch {

// `entry_name`: the generated nn.Module class; `graph`: the migrated model's graph (its input
// ports say how source-layout data is permuted and which inputs take integer ids).
std::unique_ptr<StepRenderer> make_step_renderer(const pivot::Script& script,
                                                 const std::string& entry_name,
                                                 const pivot::Graph& graph,
                                                 DiagnosticEngine& diags);

}  // namespace nnport::writers::pytorch
