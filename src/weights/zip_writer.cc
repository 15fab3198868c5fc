// Zip archive writer (stored entries, 64-byte aligned data, zip64 when needed).
#include "weights/zip_writer.h"

#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace nnport::weights {
namespace {

constexpr uint32_t kLocalHeaderSignature = 0x04034b50;
constexpr uint32_t kCentralHeaderSignature = 0x02014b50;
constexpr uint32_t kEndSignature = 0x06054b50;
constexpr uint32_t kZip64EndSignature = 0x06064b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kPaddingExtraId = 0x4246;  // "FB", the id PyTorch gives its padding field
constexpr uint16_t kVersionPlain = 20;        // 2.0: stored entries and directories
constexpr uint16_t kVersionZip64 = 45;        // 4.5: zip64 extensions
constexpr uint16_t kDosDate1980 = 0x21;       // 1980-01-01: fixed, so equal input gives equal bytes
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kExtraHeaderSize = 4;
constexpr uint32_t kMax32 = std::numeric_limits<uint32_t>::max();
constexpr uint16_t kMax16 = std::numeric_limits<uint16_t>::max();

// Little-endian field appenders for header records.
void put16(std::string& out, uint64_t value) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}
void put32(std::string& out, uint64_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}
void put64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}
uint32_t clamp32(uint64_t value, bool zip64) {
  return zip64 || value >= kMax32 ? kMax32 : static_cast<uint32_t>(value);
}

}  // namespace

std::string ZipWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  file_.reset();
  return error_;
}

std::string ZipWriter::write(std::span<const std::byte> bytes) {
  if (auto error = file_->append(bytes); !error.empty())
    return fail(fmt::format("cannot write the archive: {}", error));
  offset_ += bytes.size();
  return {};
}

std::string ZipWriter::write(const std::string& bytes) {
  return write(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

std::string ZipWriter::open(const std::filesystem::path& path, Options options) {
  if (options.alignment == 0 || options.alignment > 4096)
    return fail(fmt::format("alignment {} is outside 1..4096", options.alignment));
  options_ = options;
  file_ = std::make_unique<DirectFileWriter>();
  if (auto error = file_->open(path.string(), true); !error.empty()) return fail(std::move(error));
  return file_->begin_run(0);
}

bool ZipWriter::needs_zip64(const Entry& entry) const {
  return options_.force_zip64 || entry.size >= kMax32 || entry.offset >= kMax32;
}

std::string ZipWriter::add(std::string_view name, std::span<const std::byte> data) {
  if (auto error = begin(name, data.size()); !error.empty()) return error;
  if (auto error = append(data); !error.empty()) return error;
  return end();
}

std::string ZipWriter::begin(std::string_view name, uint64_t size) {
  if (!error_.empty()) return error_;
  if (!file_) return fail("the archive is not open");
  if (open_) return fail(fmt::format("entry '{}' begun before '{}' ended", name, open_->name));
  if (name.empty() || name.size() > kMax16)
    return fail(fmt::format("entry name of {} bytes is not allowed", name.size()));
  if (!names_.emplace(name).second) return fail(fmt::format("duplicate entry '{}'", name));

  Entry entry{std::string(name), 0, size, offset_};
  // The local header carries zip64 sizes only when the entry is that large; its offset lives
  // in the central directory alone.
  const bool local_zip64 = options_.force_zip64 || entry.size >= kMax32;
  const size_t zip64_extra = local_zip64 ? kExtraHeaderSize + 16 : 0;
  const uint64_t unpadded =
      offset_ + kLocalHeaderSize + name.size() + zip64_extra + kExtraHeaderSize;
  const uint64_t padding =
      (options_.alignment - unpadded % options_.alignment) % options_.alignment;

  std::string header;
  put32(header, kLocalHeaderSignature);
  put16(header, local_zip64 ? kVersionZip64 : kVersionPlain);
  put16(header, 0);  // flags: sizes and CRC are in this header, no data descriptor
  put16(header, 0);  // method: stored
  put16(header, 0);  // time 00:00:00
  put16(header, kDosDate1980);
  put32(header, 0);  // CRC-32: written by end() once the data has passed
  put32(header, clamp32(entry.size, local_zip64));
  put32(header, clamp32(entry.size, local_zip64));
  put16(header, name.size());
  put16(header, zip64_extra + kExtraHeaderSize + padding);
  header.append(name);
  if (local_zip64) {
    put16(header, kZip64ExtraId);
    put16(header, 16);
    put64(header, entry.size);  // uncompressed
    put64(header, entry.size);  // compressed
  }
  put16(header, kPaddingExtraId);
  put16(header, padding);
  header.append(static_cast<size_t>(padding), 'Z');
  if (auto error = write(header); !error.empty()) return error;
  open_ = std::move(entry);
  open_written_ = 0;
  return {};
}

std::string ZipWriter::append(std::span<const std::byte> data) {
  if (!error_.empty()) return error_;
  if (!open_) return fail("data appended outside an entry");
  if (data.size() > open_->size - open_written_)
    return fail(
        fmt::format("entry '{}' receives more than its {} bytes", open_->name, open_->size));
  open_->crc = crc32_of(data, open_->crc);
  open_written_ += data.size();
  return write(data);
}

std::string ZipWriter::end() {
  if (!error_.empty()) return error_;
  if (!open_) return fail("no entry to end");
  if (open_written_ != open_->size)
    return fail(fmt::format("entry '{}' received {} of its {} bytes", open_->name, open_written_,
                            open_->size));
  // The CRC field sits 14 bytes into the local header; the file is seekable (a temporary file),
  // so it is patched in place rather than announced by a data descriptor, which some readers of
  // torch.save files do not expect.
  if (open_->crc != 0) {
    std::string crc;
    put32(crc, open_->crc);
    if (auto error = file_->patch(open_->offset + 14,
                                  std::as_bytes(std::span<const char>(crc.data(), crc.size())));
        !error.empty())
      return fail(fmt::format("cannot write the archive: {}", error));
  }
  entries_.push_back(std::move(*open_));
  open_.reset();
  return {};
}

std::string ZipWriter::finish() {
  if (!error_.empty()) return error_;
  if (!file_) return fail("the archive is not open");
  if (open_) return fail(fmt::format("entry '{}' was not ended", open_->name));
  const uint64_t directory_offset = offset_;
  for (const auto& entry : entries_) {
    const bool zip64 = needs_zip64(entry);
    // Zip64 extra: the 64-bit values of exactly the fields whose 32-bit slot holds 0xffffffff.
    std::string extra;
    const bool big_size = options_.force_zip64 || entry.size >= kMax32;
    const bool big_offset = options_.force_zip64 || entry.offset >= kMax32;
    if (big_size) {
      put64(extra, entry.size);
      put64(extra, entry.size);
    }
    if (big_offset) put64(extra, entry.offset);
    std::string record;
    put32(record, kCentralHeaderSignature);
    put16(record, zip64 ? kVersionZip64 : kVersionPlain);  // made by: MS-DOS attributes
    put16(record, zip64 ? kVersionZip64 : kVersionPlain);
    put16(record, 0);
    put16(record, 0);
    put16(record, 0);
    put16(record, kDosDate1980);
    put32(record, entry.crc);
    put32(record, big_size ? kMax32 : static_cast<uint32_t>(entry.size));
    put32(record, big_size ? kMax32 : static_cast<uint32_t>(entry.size));
    put16(record, entry.name.size());
    put16(record, extra.empty() ? 0 : kExtraHeaderSize + extra.size());
    put16(record, 0);  // comment length
    put16(record, 0);  // disk number
    put16(record, 0);  // internal attributes
    put32(record, 0);  // external attributes
    put32(record, big_offset ? kMax32 : static_cast<uint32_t>(entry.offset));
    record.append(entry.name);
    if (!extra.empty()) {
      put16(record, kZip64ExtraId);
      put16(record, extra.size());
      record.append(extra);
    }
    if (auto error = write(record); !error.empty()) return error;
  }
  const uint64_t directory_size = offset_ - directory_offset;
  const uint64_t count = entries_.size();
  const bool zip64 = options_.force_zip64 || count >= kMax16 || directory_offset >= kMax32 ||
                     directory_size >= kMax32;

  std::string end;
  if (zip64) {
    const uint64_t zip64_end_offset = offset_;
    put32(end, kZip64EndSignature);
    put64(end, 44);  // size of the rest of this record
    put16(end, kVersionZip64);
    put16(end, kVersionZip64);
    put32(end, 0);  // this disk
    put32(end, 0);  // disk with the central directory
    put64(end, count);
    put64(end, count);
    put64(end, directory_size);
    put64(end, directory_offset);
    put32(end, kZip64LocatorSignature);
    put32(end, 0);
    put64(end, zip64_end_offset);
    put32(end, 1);  // total disks
  }
  put32(end, kEndSignature);
  put16(end, 0);
  put16(end, 0);
  put16(end, zip64 ? kMax16 : count);
  put16(end, zip64 ? kMax16 : count);
  put32(end, zip64 ? kMax32 : directory_size);
  put32(end, zip64 ? kMax32 : directory_offset);
  put16(end, 0);  // comment length
  if (auto error = write(end); !error.empty()) return error;
  auto file = std::move(file_);
  if (auto error = file->close(); !error.empty()) return fail(std::move(error));
  return {};
}

}  // namespace nnport::weights
