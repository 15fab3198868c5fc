// How a migrated training script feeds the model and reads its outputs (internal to the
// PyTorch script writer): one tensor per input of the model, each in its dtype and permuted from
// the source layout, and the outputs permuted back to the source layout for the loss and
// metrics (Keras' y_true arrays, and user loss/metric functions indexing them, are in the
// source layout).
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::writers::pytorch {

struct ModelInput {
  std::string name;     // the loop variable of its batch: the port's name when it is a Python
                        // identifier, else input_<i>
  std::string dtype;    // "torch.float32" or "torch.long"
  std::string permute;  // ".permute(0, 3, 1, 2)" from the source layout, or empty
};

std::vector<ModelInput> model_inputs(const pivot::Graph& graph);

// ".permute(...)" taking the (single) output back to the source layout, or empty (identity, or
// a model with several outputs).
std::string output_to_source(const pivot::Graph& graph);

}  // namespace nnport::writers::pytorch
