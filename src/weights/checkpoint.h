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
  std::map<std::string, std::string> metadata;  // free-form strings (safetensors __metadata__)
  MappedFile mapping;
  std::vector<std::string>
      notes;  // what the reader chose or skipped, for the user (e.g. the state_dict used)
  // Bytes that could not be viewed in place (decompressed or converted data). A buffer's
  // heap block does not move when this vector grows, so views into it stay valid.
  std::vector<std::vector<std::byte>> buffers;
  // Alternative key -> key in `tensors` (legacy Keras HDF5 "#<layer>/<weight>" order keys).
  std::map<std::string, std::string> aliases;

  // The tensor stored under `name` or under the alias `name`; null when neither exists.
  const TensorView* find(const std::string& name) const {
    if (auto it = tensors.find(name); it != tensors.end()) return &it->second;
    if (auto alias = aliases.find(name); alias != aliases.end())
      if (auto it = tensors.find(alias->second); it != tensors.end()) return &it->second;
    return nullptr;
  }
};

}  // namespace nnport::weights
