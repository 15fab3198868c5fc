// Read-only zip archive over bytes held elsewhere (usually a MappedFile): the containers of
// `torch.save` checkpoints and `.keras` files. The bytes are untrusted: every offset and size
// is checked against the buffer before use, and problems come back as messages, never crashes.
//
// Supported: the central directory (with zip64 sizes/offsets/counts), stored entries (returned
// as zero-copy spans into the buffer) and deflated entries (inflated with zlib). CRC-32 is
// checked on every access. Not supported (refused with a message): multi-disk archives,
// encryption, other compression methods.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nnport::weights {

struct ZipEntry {
  std::string name;                // as stored (forward slashes), unique in the archive
  uint16_t method = 0;             // 0 stored, 8 deflated
  uint16_t flags = 0;              // general-purpose bit flags of the central directory
  uint32_t crc32 = 0;              // of the uncompressed bytes
  uint64_t compressed_size = 0;    // bytes in the archive
  uint64_t uncompressed_size = 0;  // bytes after extraction
  uint64_t local_header_offset = 0;
};

class ZipArchive {
 public:
  static constexpr uint16_t kStored = 0;
  static constexpr uint16_t kDeflated = 8;
  // extract() refuses entries larger than this by default: a hostile size must not make us
  // allocate without bound. Weights are normally stored (zero-copy), not deflated.
  static constexpr uint64_t kDefaultExtractLimit = 4ull << 30;

  // Parses the central directory of `bytes` (which must outlive the archive). Returns nullopt
  // and sets `error` when the archive is malformed or uses an unsupported feature.
  static std::optional<ZipArchive> open(std::span<const std::byte> bytes, std::string& error);

  const std::vector<ZipEntry>& entries() const { return entries_; }

  // The entry named exactly `name`, or null.
  const ZipEntry* find(std::string_view name) const;

  // The bytes of a stored (uncompressed) entry, as a view into the buffer given to open().
  // Fails for deflated entries, bad local headers, out-of-bounds data and CRC mismatches.
  std::optional<std::span<const std::byte>> stored_bytes(const ZipEntry& entry,
                                                         std::string& error) const;

  // The uncompressed bytes of a stored or deflated entry, copied. Fails when the entry is
  // larger than `limit`, is corrupt, or does not inflate to exactly its declared size and CRC.
  std::optional<std::vector<std::byte>> extract(const ZipEntry& entry, std::string& error,
                                                uint64_t limit = kDefaultExtractLimit) const;

 private:
  // The compressed bytes of `entry`, located through its local header.
  std::optional<std::span<const std::byte>> raw_data(const ZipEntry& entry,
                                                     std::string& error) const;

  std::span<const std::byte> bytes_;
  std::vector<ZipEntry> entries_;  // sorted by name for find()
};

}  // namespace nnport::weights
