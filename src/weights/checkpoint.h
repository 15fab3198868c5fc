// Tensors read from a source checkpoint, keyed by their state_dict name. Views point into
// storage the checkpoint owns (a file mapping, or decoded buffers), so they live as long as it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "weights/mapped_file.h"
#include "weights/tensor.h"

namespace nnport::weights {

struct Checkpoint {
  std::map<std::string, TensorView> tensors;
  std::map<std::string, std::string> metadata; // free-form strings (safetensors __metadata__)
  MappedFile mapping;
};

} // namespace nnport::weights
