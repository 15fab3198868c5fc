// Read-only whole-file mmap with RAII unmapping.
#include "weights/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace nnport::weights {

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      mapping_(std::exchange(other.mapping_, nullptr)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    reset();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapping_ = std::exchange(other.mapping_, nullptr);
  }
  return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() {
  if (mapping_ != nullptr) ::munmap(mapping_, size_);
  data_ = nullptr;
  size_ = 0;
  mapping_ = nullptr;
}

std::string MappedFile::open(const std::string& path) {
  reset();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    std::string error = std::string("cannot stat: ") + std::strerror(errno);
    ::close(fd);
    return error;
  }
  // Directories, pipes and devices have no meaningful size to validate offsets against.
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return "not a regular file";
  }
  size_t size = static_cast<size_t>(info.st_size);
  if (size == 0) {
    ::close(fd);
    return {};
  }
  void* mapping = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  ::close(fd);  // the mapping keeps the file contents reachable
  if (mapping == MAP_FAILED) return std::string("cannot map: ") + std::strerror(map_errno);
  mapping_ = mapping;
  data_ = static_cast<const std::byte*>(mapping);
  size_ = size;
  return {};
}

}  // namespace nnport::weights
