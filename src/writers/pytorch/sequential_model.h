// A model that is one chain of layers numbered like the items of a PyTorch nn.Sequential is
// written as a class deriving from nn.Sequential (internal to the PyTorch writer).
//
// nnport names the Keras layer of item k of a top-level nn.Sequential `<op>_<k>` ("linear_0",
// "dropout_2"); an activation folded into the layer before it (Dense(activation="gelu") for
// items 0 and 1) is item k+1. When the entry graph is a single chain whose layers carry such
// numbers, increasing from 0 with no other gap, writing the items back in order gives the
// source's state_dict keys ("0.weight", "3.bias").
#pragma once

#include <optional>
#include <string>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "writers/pytorch/init_method.h"

namespace nnport::writers::pytorch {

struct SequentialModel {
  std::string class_source;  // "class Name(nn.Sequential):\n..." ending with a newline
  pivot::WeightPlan weights;
  std::vector<InitModule> modules;  // the items, for reset_parameters()
};

// nullopt when the graph is not such a chain (the general writer handles it).
std::optional<SequentialModel> write_sequential_model(const pivot::Graph& graph,
                                                      const std::string& class_name);

}  // namespace nnport::writers::pytorch
