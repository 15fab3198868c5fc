// Reader of `torch.save` checkpoints without Python and without executing the pickle:
//  - the zip format (PyTorch >= 1.6): `<name>/data.pkl` whose persistent ids
//    ('storage', torch.<T>Storage, key, location, numel) name records `<name>/data/<key>`;
//  - the legacy format: pickles of the magic number, the protocol version and sys_info, then
//    the object, then the sorted storage keys, then each storage as an 8-byte little-endian
//    element count followed by its raw elements.
// Tensors (`torch._utils._rebuild_tensor_v2` with storage offset, size and stride) become views
// into the bytes when contiguous and stored, and copies in `Checkpoint::buffers` otherwise.
// Only little-endian checkpoints are accepted.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "weights/checkpoint.h"

namespace nnport::weights {

bool is_torch_zip(std::span<const std::byte> bytes);  // starts like a zip archive
bool is_torch_legacy(
    std::span<const std::byte> bytes);  // starts with the pickled legacy magic number

// Reads the state_dict of a torch.save checkpoint held in `bytes` (which must outlive `out`)
// into out.tensors and out.notes; `expected_names` (state_dict names the model needs, may be
// empty) decide between several dicts of tensors. Returns an empty string on success,
// otherwise what is wrong with the file.
std::string read_torch_checkpoint(std::span<const std::byte> bytes, Checkpoint& out,
                                  std::span<const std::string> expected_names = {});

}  // namespace nnport::weights
