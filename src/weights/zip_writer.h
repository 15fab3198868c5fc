// Streaming writer of zip archives whose entries are all STORED (uncompressed), laid out the way
// PyTorch's torch.save lays out its checkpoints: the data of every entry starts at a multiple
// of 64 bytes (the local header's extra field is padded with an "FB" field of 'Z' bytes, which
// lets readers map tensors in place), CRC-32 in every header, and zip64 fields when an offset or
// a size needs them. Entries are written as they are added, so only the list of names, sizes
// and CRCs stays in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weights/crc32.h"
#include "weights/direct_file_writer.h"

namespace nnport::weights {

class ZipWriter {
 public:
  struct Options {
    // Data of every entry starts at a multiple of this (PyTorch uses 64); 1 disables padding.
    uint64_t alignment = 64;
    // Writes zip64 fields for every entry and the zip64 end records even when the archive is
    // small, so that the >4 GB layout can be tested with small files.
    bool force_zip64 = false;
  };

  ZipWriter() = default;
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Creates (truncates) `path`. Every call returns an empty string on success, otherwise what
  // failed; after a failure the writer refuses further calls with the same message.
  std::string open(const std::filesystem::path& path, Options options);
  std::string add(std::string_view name, std::span<const std::byte> data);
  // The same entry streamed: begin() with its final size, append() the data in consecutive
  // parts (exactly `size` bytes in all), end(). No other entry may start in between.
  std::string begin(std::string_view name, uint64_t size);
  std::string append(std::span<const std::byte> data);
  std::string end();
  // Writes the central directory and closes the file (without fsync: see TemporarySibling).
  std::string finish();

 private:
  struct Entry {
    std::string name;
    uint32_t crc = 0;
    uint64_t size = 0;
    uint64_t offset = 0;  // of the local header
  };
  std::string write(std::span<const std::byte> bytes);
  std::string write(const std::string& bytes);
  std::string fail(std::string message);
  bool needs_zip64(const Entry& entry) const;

  // The archive is one run of consecutive bytes; CRC fields are patched in at the end.
  std::unique_ptr<DirectFileWriter> file_;
  Options options_;
  uint64_t offset_ = 0;
  std::vector<Entry> entries_;
  std::optional<Entry> open_;  // between begin() and end()
  uint64_t open_written_ = 0;
  std::set<std::string, std::less<>> names_;
  std::string error_;
};

}  // namespace nnport::weights
