// PyTorch writer: a flat, channels-first pivot graph (see passes::prepare_for_channels_first) ->
// an idiomatic nn.Module (layers as named attributes in __init__, a readable forward()) and the
// plan that places each parameter under its state_dict key.
#pragma once

#include <optional>
#include <string>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/diagnostics.h"

namespace nnport::writers::pytorch {

struct WriteOptions {
  std::string source_name;  // SOURCE file name, for the generated header comment
};

struct PytorchOutput {
  std::string python;         // the generated module
  pivot::WeightPlan weights;  // parameter -> state_dict key
  std::string entry_name;     // the nn.Module class in `python`; called without arguments
  bool partial = false;       // TODO(nnport) markers were written
};

// Returns nullopt when nothing could be written (errors explain why).
std::optional<PytorchOutput> write_pytorch(const pivot::Model& model, const WriteOptions& options,
                                           DiagnosticEngine& diags);

}  // namespace nnport::writers::pytorch
