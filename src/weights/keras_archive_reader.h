// Reader of Keras 3 `.keras` archives: a zip holding config.json (the model), metadata.json
// (versions, date) and model.weights.h5 (the weights, in the Keras 3 layout read by
// keras_h5_reader.h). Keras writes the members stored, so the weights are viewed in place in
// the mapped archive; a deflated member is inflated into a buffer the Checkpoint owns.
//
// The tensors are keyed as in read_keras_h5 ("layers/dense/vars/0"); config.json and
// metadata.json are kept as text in metadata["config.json"] and metadata["metadata.json"]
// for readers of the model definition.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "weights/checkpoint.h"

namespace nnport::weights {

// Maps and reads `path` into `out` (replacing its contents). Returns an empty string on
// success, otherwise what is wrong (without the path, which the caller reports).
std::string read_keras_archive(const std::string& path, Checkpoint& out);

// The same for an archive held in memory, adding to `out`: views may point into `bytes`, which
// must be owned by `out` (its mapping) or outlive it.
std::string read_keras_archive(std::span<const std::byte> bytes, Checkpoint& out);

}  // namespace nnport::weights
