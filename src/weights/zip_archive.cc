// Zip central directory parsing (APPNOTE 6.3.x, with zip64) and entry access.
#include "weights/zip_archive.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace nnport::weights {
namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndSize = 22;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kMaxCommentSize = 0xffff;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kEncryptedFlag = 0x0001;
// Deflate cannot compress better than about 1032:1, so a larger declared ratio is a lie.
constexpr uint64_t kMaxDeflateRatio = 1032;

// Bounds-checked little-endian reads from a byte span; every read reports whether it fit.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}

  bool has(uint64_t offset, uint64_t size) const {
    return offset <= bytes_.size() && size <= bytes_.size() - offset;
  }
  // Callers check has(offset, N) first.
  uint64_t le(uint64_t offset, size_t size) const {
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i)
      value |=
          static_cast<uint64_t>(std::to_integer<uint8_t>(bytes_[static_cast<size_t>(offset) + i]))
          << (8 * i);
    return value;
  }
  uint16_t u16(uint64_t offset) const { return static_cast<uint16_t>(le(offset, 2)); }
  uint32_t u32(uint64_t offset) const { return static_cast<uint32_t>(le(offset, 4)); }
  uint64_t u64(uint64_t offset) const { return le(offset, 8); }
  std::span<const std::byte> sub(uint64_t offset, uint64_t size) const {
    return bytes_.subspan(static_cast<size_t>(offset), static_cast<size_t>(size));
  }

 private:
  std::span<const std::byte> bytes_;
};

struct Directory {
  uint64_t count = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Finds the end-of-central-directory record (scanning back over a possible comment) and, when
// its fields are saturated, the zip64 record it points to.
std::optional<Directory> find_directory(const Reader& in, uint64_t file_size, std::string& error) {
  if (file_size < kEndSize) {
    error = fmt::format("zip archive of {} bytes is too small for an end-of-directory record",
                        file_size);
    return std::nullopt;
  }
  uint64_t lowest =
      file_size - kEndSize > kMaxCommentSize ? file_size - kEndSize - kMaxCommentSize : 0;
  std::optional<uint64_t> end;
  for (uint64_t pos = file_size - kEndSize + 1; pos-- > lowest;) {
    // The record's comment must reach exactly the end of the file.
    if (in.u32(pos) == kEndSignature && pos + kEndSize + in.u16(pos + 20) == file_size) {
      end = pos;
      break;
    }
  }
  if (!end) {
    error = "no zip end-of-directory record (truncated or not a zip archive)";
    return std::nullopt;
  }
  if (in.u16(*end + 4) != 0 || in.u16(*end + 6) != 0) {
    error = "multi-disk zip archives are not supported";
    return std::nullopt;
  }
  Directory dir{in.u16(*end + 10), in.u32(*end + 16), in.u32(*end + 12)};
  bool saturated = dir.count == 0xffff || dir.offset == 0xffffffff || dir.size == 0xffffffff;
  if (*end >= kZip64LocatorSize && in.u32(*end - kZip64LocatorSize) == kZip64LocatorSignature) {
    uint64_t record = in.u64(*end - kZip64LocatorSize + 8);
    if (!in.has(record, kZip64EndSize) || in.u32(record) != kZip64EndSignature) {
      error = "zip64 end-of-directory locator points outside the archive";
      return std::nullopt;
    }
    if (in.u32(record + 16) != 0 || in.u32(record + 20) != 0) {
      error = "multi-disk zip archives are not supported";
      return std::nullopt;
    }
    dir = {in.u64(record + 32), in.u64(record + 48), in.u64(record + 40)};
  } else if (saturated) {
    error = "zip end-of-directory record needs zip64 data that is missing";
    return std::nullopt;
  }
  if (!in.has(dir.offset, dir.size)) {
    error = fmt::format(
        "zip central directory ({} bytes at offset {}) lies outside the {} byte archive", dir.size,
        dir.offset, file_size);
    return std::nullopt;
  }
  // Each entry takes at least a fixed header, which bounds the count by the directory size.
  if (dir.count > dir.size / kCentralHeaderSize) {
    error = fmt::format("zip central directory claims {} entries in {} bytes", dir.count, dir.size);
    return std::nullopt;
  }
  return dir;
}

// Replaces saturated 32-bit fields of `entry` by the values of its zip64 extra field.
bool apply_zip64_extra(const Reader& in, uint64_t extra, uint64_t extra_size, ZipEntry& entry,
                       uint32_t raw_usize, uint32_t raw_csize, uint32_t raw_offset,
                       std::string& error) {
  uint64_t pos = extra;
  uint64_t end = extra + extra_size;
  while (pos + 4 <= end) {
    uint16_t id = in.u16(pos);
    uint64_t size = in.u16(pos + 2);
    pos += 4;
    if (size > end - pos) break;
    if (id == kZip64ExtraId) {
      uint64_t field = pos;
      // The fields appear in this order, and only for the values that are saturated.
      for (auto [raw, target] : {std::pair{raw_usize, &entry.uncompressed_size},
                                 std::pair{raw_csize, &entry.compressed_size},
                                 std::pair{raw_offset, &entry.local_header_offset}}) {
        if (raw != 0xffffffff) continue;
        if (field + 8 > pos + size) {
          error = fmt::format("zip entry '{}' has a truncated zip64 extra field", entry.name);
          return false;
        }
        *target = in.u64(field);
        field += 8;
      }
      return true;
    }
    pos += size;
  }
  if (raw_usize == 0xffffffff || raw_csize == 0xffffffff || raw_offset == 0xffffffff) {
    error = fmt::format("zip entry '{}' needs a zip64 extra field that is missing", entry.name);
    return false;
  }
  return true;
}

uint32_t crc_of(std::span<const std::byte> bytes) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  const auto* data = reinterpret_cast<const Bytef*>(bytes.data());
  size_t left = bytes.size();
  while (left > 0) {  // zlib takes 32-bit lengths
    auto chunk = static_cast<uInt>(std::min<size_t>(left, std::numeric_limits<uInt>::max()));
    crc = ::crc32(crc, data, chunk);
    data += chunk;
    left -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

}  // namespace

std::optional<ZipArchive> ZipArchive::open(std::span<const std::byte> bytes, std::string& error) {
  Reader in(bytes);
  auto dir = find_directory(in, bytes.size(), error);
  if (!dir) return std::nullopt;

  ZipArchive archive;
  archive.bytes_ = bytes;
  archive.entries_.reserve(static_cast<size_t>(dir->count));
  uint64_t pos = dir->offset;
  const uint64_t end = dir->offset + dir->size;
  for (uint64_t i = 0; i < dir->count; ++i) {
    if (end - pos < kCentralHeaderSize || in.u32(pos) != kCentralHeaderSignature) {
      error = fmt::format("zip central directory entry #{} is malformed", i);
      return std::nullopt;
    }
    uint64_t name_size = in.u16(pos + 28);
    uint64_t extra_size = in.u16(pos + 30);
    uint64_t comment_size = in.u16(pos + 32);
    uint64_t record_size = kCentralHeaderSize + name_size + extra_size + comment_size;
    if (end - pos < record_size) {
      error = fmt::format("zip central directory entry #{} runs past the directory", i);
      return std::nullopt;
    }
    ZipEntry entry;
    auto name = in.sub(pos + kCentralHeaderSize, name_size);
    entry.name.assign(reinterpret_cast<const char*>(name.data()), name.size());
    entry.flags = in.u16(pos + 8);
    entry.method = in.u16(pos + 10);
    entry.crc32 = in.u32(pos + 16);
    uint32_t raw_csize = in.u32(pos + 20);
    uint32_t raw_usize = in.u32(pos + 24);
    uint32_t raw_offset = in.u32(pos + 42);
    entry.compressed_size = raw_csize;
    entry.uncompressed_size = raw_usize;
    entry.local_header_offset = raw_offset;
    if (!apply_zip64_extra(in, pos + kCentralHeaderSize + name_size, extra_size, entry, raw_usize,
                           raw_csize, raw_offset, error))
      return std::nullopt;
    archive.entries_.push_back(std::move(entry));
    pos += record_size;
  }

  std::sort(archive.entries_.begin(), archive.entries_.end(),
            [](const ZipEntry& a, const ZipEntry& b) { return a.name < b.name; });
  for (size_t i = 1; i < archive.entries_.size(); ++i) {
    if (archive.entries_[i].name == archive.entries_[i - 1].name) {
      // Two readers could disagree on which one is meant.
      error = fmt::format("zip archive holds two entries named '{}'", archive.entries_[i].name);
      return std::nullopt;
    }
  }
  return archive;
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), name,
      [](const ZipEntry& entry, std::string_view key) { return entry.name < key; });
  return it != entries_.end() && it->name == name ? &*it : nullptr;
}

std::optional<std::span<const std::byte>> ZipArchive::raw_data(const ZipEntry& entry,
                                                               std::string& error) const {
  Reader in(bytes_);
  if ((entry.flags & kEncryptedFlag) != 0) {
    error = fmt::format("zip entry '{}' is encrypted", entry.name);
    return std::nullopt;
  }
  uint64_t header = entry.local_header_offset;
  if (!in.has(header, kLocalHeaderSize) || in.u32(header) != kLocalHeaderSignature) {
    error =
        fmt::format("zip entry '{}' has no valid local header at offset {}", entry.name, header);
    return std::nullopt;
  }
  // The local name and extra lengths may differ from the central ones (alignment padding).
  uint64_t data = header + kLocalHeaderSize + in.u16(header + 26) + in.u16(header + 28);
  if (!in.has(data, entry.compressed_size)) {
    error = fmt::format(
        "zip entry '{}' ({} bytes at offset {}) runs past the end of the {} byte archive",
        entry.name, entry.compressed_size, data, bytes_.size());
    return std::nullopt;
  }
  return in.sub(data, entry.compressed_size);
}

std::optional<std::span<const std::byte>> ZipArchive::stored_bytes(const ZipEntry& entry,
                                                                   std::string& error) const {
  if (entry.method != kStored) {
    error = fmt::format("zip entry '{}' is compressed (method {}), not stored", entry.name,
                        entry.method);
    return std::nullopt;
  }
  if (entry.compressed_size != entry.uncompressed_size) {
    error = fmt::format("stored zip entry '{}' declares {} compressed but {} uncompressed bytes",
                        entry.name, entry.compressed_size, entry.uncompressed_size);
    return std::nullopt;
  }
  auto data = raw_data(entry, error);
  if (!data) return std::nullopt;
  if (crc_of(*data) != entry.crc32) {
    error = fmt::format("zip entry '{}' fails its CRC-32 check (corrupted archive)", entry.name);
    return std::nullopt;
  }
  return data;
}

std::optional<std::vector<std::byte>> ZipArchive::extract(const ZipEntry& entry, std::string& error,
                                                          uint64_t limit) const {
  if (entry.uncompressed_size > limit) {
    error = fmt::format("zip entry '{}' of {} bytes exceeds the {} byte limit", entry.name,
                        entry.uncompressed_size, limit);
    return std::nullopt;
  }
  if (entry.method == kStored) {
    auto data = stored_bytes(entry, error);
    if (!data) return std::nullopt;
    return std::vector<std::byte>(data->begin(), data->end());
  }
  if (entry.method != kDeflated) {
    error = fmt::format("zip entry '{}' uses unsupported compression method {}", entry.name,
                        entry.method);
    return std::nullopt;
  }
  auto data = raw_data(entry, error);
  if (!data) return std::nullopt;
  if (entry.uncompressed_size / kMaxDeflateRatio > entry.compressed_size) {
    error = fmt::format(
        "zip entry '{}' claims {} bytes from {} compressed bytes, more than deflate can encode",
        entry.name, entry.uncompressed_size, entry.compressed_size);
    return std::nullopt;
  }

  // Allocation is bounded by the declared size, itself bounded by the limit and the ratio check.
  // One spare byte detects streams longer than declared (and gives zlib a non-null buffer).
  const auto size = static_cast<size_t>(entry.uncompressed_size);
  std::vector<std::byte> out(size + 1);
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {  // raw deflate, no zlib header
    error = "cannot initialise zlib";
    return std::nullopt;
  }
  // zlib counts in 32-bit units, so feed and drain in chunks.
  size_t in_pos = 0;
  size_t out_pos = 0;
  int status = Z_OK;
  while (status == Z_OK) {
    size_t in_chunk = std::min<size_t>(data->size() - in_pos, std::numeric_limits<uInt>::max());
    size_t out_chunk = std::min<size_t>(out.size() - out_pos, std::numeric_limits<uInt>::max());
    // zlib's API is not const-correct; it never writes through next_in.
    stream.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data->data() + in_pos));
    stream.avail_in = static_cast<uInt>(in_chunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + out_pos);
    stream.avail_out = static_cast<uInt>(out_chunk);
    status = inflate(&stream, Z_NO_FLUSH);
    size_t consumed = in_chunk - stream.avail_in;
    size_t produced = out_chunk - stream.avail_out;
    in_pos += consumed;
    out_pos += produced;
    if (status == Z_OK && consumed == 0 && produced == 0)
      status = Z_BUF_ERROR;  // no progress possible
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END || out_pos != size) {
    error =
        fmt::format("zip entry '{}' does not inflate to its declared {} bytes (corrupted archive)",
                    entry.name, entry.uncompressed_size);
    return std::nullopt;
  }
  out.resize(size);
  if (crc_of(out) != entry.crc32) {
    error = fmt::format("zip entry '{}' fails its CRC-32 check (corrupted archive)", entry.name);
    return std::nullopt;
  }
  return out;
}

}  // namespace nnport::weights
