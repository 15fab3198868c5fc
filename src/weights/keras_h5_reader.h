// Reader of Keras weight files in HDF5 into a Checkpoint. Two layouts are recognised by
// content:
//
// - Keras 3 `.weights.h5` (saving_lib): every saveable object at inner path P keeps its
//   variables as datasets "P/vars/0", "P/vars/1", ... ("layers/dense/vars/0",
//   "layers/lstm/cell/vars/1", "layers/bidirectional/forward_layer/cell/vars/0",
//   "layers/multi_head_attention/_query_dense/vars/0"). Every dataset becomes a tensor keyed by
//   its path without the leading '/', exactly as stored.
// - legacy tf.keras HDF5 (`save_weights("w.h5")` in TF 2.x, or the "model_weights" group of a
//   whole-model `save("m.h5")`): the attribute "layer_names" lists the layer groups in model
//   order and each layer group's attribute "weight_names" lists its datasets ("dense_1/kernel:0").
//   Tensors are keyed "<layer name>/<weight name without :0>", and aliased "#<k>/<i>" where k
//   counts only the layers that have weights and i indexes weight_names, because legacy
//   load_weights matches layers by that order rather than by name. Attributes split into
//   "layer_names0", "layer_names1", ... (for lists beyond HDF5's 64 KiB attribute limit) are
//   joined.
//
// Contiguous, unfiltered little-endian datasets are viewed in place in the file bytes
// (zero-copy); anything else (chunked, compressed, compact, big-endian) is read into a buffer
// the Checkpoint owns. The file is untrusted: wrong types, absurd shapes, external or virtual
// storage (which would read other files) and corrupt or truncated files are refused with a
// message, and HDF5's own error printing is silenced. metadata["keras.weights_layout"] says
// "keras3" or "legacy".
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "weights/checkpoint.h"

namespace nnport::weights {

// Maps and reads `path` into `out` (replacing its contents). Returns an empty string on
// success, otherwise what is wrong (without the path, which the caller reports).
std::string read_keras_h5(const std::string& path, Checkpoint& out);

// Reads an HDF5 file held in memory (a `.keras` archive member) and adds its tensors to `out`.
// Views may point into `image`, which must therefore be owned by `out` (its mapping or one of
// its buffers) or outlive it.
std::string read_keras_h5_image(std::span<const std::byte> image, Checkpoint& out);

// The same reads without the child-process probe (read_keras_h5 and read_keras_h5_image run
// these in a child first, so that libhdf5 crashing or hanging on a damaged file is a message).
std::string read_keras_h5_in_process(const std::string& path, Checkpoint& out);
std::string read_keras_h5_image_in_process(std::span<const std::byte> image, Checkpoint& out);

// True when `bytes` start with the HDF5 superblock signature.
bool has_hdf5_signature(std::span<const std::byte> bytes);

}  // namespace nnport::weights
