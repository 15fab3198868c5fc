// Format dispatch for source checkpoints, by content: a file named .pt may well be a
// safetensors file and the reverse, and extensions say nothing about the legacy torch format.
#include "weights/checkpoint_reader.h"

#include "weights/keras_archive_reader.h"
#include "weights/keras_h5_reader.h"
#include "weights/safetensors_reader.h"
#include "weights/torch_checkpoint_reader.h"
#include "weights/zip_archive.h"

namespace nnport::weights {

std::string read_checkpoint(const std::string& path, Checkpoint& out,
                            const CheckpointReadOptions& options) {
  out = Checkpoint{};
  if (auto error = out.mapping.open(path); !error.empty()) return error;
  const auto bytes = out.mapping.bytes();
  // Keras weights: HDF5 files, and `.keras` archives (a zip like torch.save's, told apart by
  // their model.weights.h5 member). Their readers map the file themselves.
  if (has_hdf5_signature(bytes)) {
    out = Checkpoint{};
    return read_keras_h5(path, out);
  }
  if (is_torch_zip(bytes)) {
    std::string zip_error;
    auto archive = ZipArchive::open(bytes, zip_error);
    if (archive && archive->find("model.weights.h5")) {
      out = Checkpoint{};
      return read_keras_archive(path, out);
    }
  }
  return read_checkpoint(bytes, out, options);
}

std::string read_checkpoint(std::span<const std::byte> bytes, Checkpoint& out,
                            const CheckpointReadOptions& options) {
  if (has_hdf5_signature(bytes)) return read_keras_h5_image(bytes, out);
  if (is_torch_zip(bytes) || is_torch_legacy(bytes))
    return read_torch_checkpoint(bytes, out, options.expected_names);
  // Safetensors has no magic number: its first 8 bytes are a header length. Anything else
  // goes to its reader, whose header validation says what is wrong.
  return read_safetensors(bytes, out);
}

}  // namespace nnport::weights
