// Keras' random image augmentation layers in generated PyTorch modules (pivot op random_augment):
// small nn.Module classes written into the output. A flip is written faithfully (per-sample
// flips in training, identity in eval); the other transforms are identity in eval and raise in
// training, so that training never skips them silently.
#pragma once

#include <string>
#include <string_view>

#include "frameworks/pytorch/spelling.h"
#include "pivot/graph.h"

namespace nnport::writers::pytorch {

bool is_augmentation(const pivot::Node& node);

// The constructor of `node`'s class (is_augmentation(node) holds).
frameworks::pytorch::Spelling augmentation_spelling(const pivot::Node& node);

// Python source of the class `name`, or "" when it is not one of these classes.
std::string_view augmentation_class_source(std::string_view name);

}  // namespace nnport::writers::pytorch
