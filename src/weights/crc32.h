// CRC-32 of the zip / zlib polynomial, the checksum of every entry of a torch.save archive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace nnport::weights {

// CRC-32 of `data`, continuing from `crc` (0 to start); the same values as zlib's crc32().
// Large buffers go through carry-less multiplication (PCLMULQDQ) when the CPU has it: zlib
// 1.2's table code was a tenth of the CPU time of converting a 2 GB checkpoint to .pt.
uint32_t crc32_of(std::span<const std::byte> data, uint32_t crc = 0);

}  // namespace nnport::weights
