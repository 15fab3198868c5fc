// Opens a source checkpoint of any supported format, chosen by content rather than extension.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "weights/checkpoint.h"

namespace nnport::weights {

struct CheckpointReadOptions {
  // State_dict names the model needs. A torch.save checkpoint may hold several dicts of
  // tensors (model, EMA copy, optimizer state); the one matching most of these is read.
  std::vector<std::string> expected_names;
};

// Returns an empty string on success, otherwise what is wrong with the file. Formats, by
// their first bytes: torch.save zip archives, legacy torch.save pickles, .safetensors, Keras HDF5
// weights (Keras 3 .weights.h5 and legacy .h5) and .keras archives.
std::string read_checkpoint(const std::string& path, Checkpoint& out,
                            const CheckpointReadOptions& options = {});

// The same over bytes the caller keeps alive as long as `out` (used by the fuzz targets).
std::string read_checkpoint(std::span<const std::byte> bytes, Checkpoint& out,
                            const CheckpointReadOptions& options = {});

}  // namespace nnport::weights
