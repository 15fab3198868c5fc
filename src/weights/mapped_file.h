// A read-only memory mapping of a whole file, so large checkpoints are read without copying.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace nnport::weights {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  ~MappedFile();

  // Maps `path`; returns an empty string on success, otherwise what failed. An empty regular
  // file succeeds with empty bytes (mmap cannot map zero bytes).
  std::string open(const std::string& path);

  std::span<const std::byte> bytes() const { return {data_, size_}; }

 private:
  void reset();

  const std::byte* data_ = nullptr;
  size_t size_ = 0;
  void* mapping_ = nullptr;  // what munmap needs; null for empty files
};

}  // namespace nnport::weights
