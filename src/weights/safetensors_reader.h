// Reader of the `.safetensors` format: 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the data.
// The file is untrusted input: every field is validated and problems come back as messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "weights/checkpoint.h"

namespace nnport::weights {

// Headers above this are refused: real headers are a few hundred bytes per tensor, and the cap
// keeps a hostile length from making us parse (or allocate for) gigabytes of JSON.
inline constexpr uint64_t kMaxSafetensorsHeader = 100ull * 1024 * 1024;

// Maps and validates `path` into `out`. Returns an empty string on success, otherwise a
// message saying what is wrong (without the path, which the caller reports as the location).
std::string read_safetensors(const std::string& path, Checkpoint& out);

// The same over bytes the caller keeps alive (the mapping of `out`, or a buffer); the views in
// `out.tensors` point into `file`.
std::string read_safetensors(std::span<const std::byte> file, Checkpoint& out);

}  // namespace nnport::weights
