// Keras Normalization whose statistics are learned by adapt() (pivot op standardize with
// parameters): a small nn.Module class written into the generated file, with the statistics as
// buffers (in the state_dict, not trained) and an adapt(data) method computing them as Keras
// does, which the migrated training script calls before training.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "frameworks/pytorch/spelling.h"
#include "pivot/graph.h"

namespace nnport::writers::pytorch {

bool is_adapted_normalization(const pivot::Node& node);

// The constructor of `node`'s class (is_adapted_normalization(node) holds).
frameworks::pytorch::Spelling adapted_normalization_spelling(const pivot::Node& node);

// Python source of the class `name`, or "" when it is not this class.
std::string_view adapted_normalization_class_source(std::string_view name);

// The script lines of an Adapt step: the layer at `module_path` of the model `model` learns its
// statistics from the data expression `data`.
std::vector<std::string> adapt_lines(const std::string& model, const std::string& module_path,
                                     const std::string& data);

}  // namespace nnport::writers::pytorch
