// Write-behind with sync_file_range (Linux): start writeback of new ranges, wait for old ones.
#include "weights/write_behind.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace nnport::weights {

WriteBehind::~WriteBehind() {
  if (fd_ >= 0) ::close(fd_);
}

void WriteBehind::watch(const std::string& path) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  started_ = 0;
  waited_ = 0;
}

void WriteBehind::progress() {
#if defined(__linux__)
  struct stat info {};
  if (fd_ < 0 || ::fstat(fd_, &info) != 0) return;
  const auto size = static_cast<uint64_t>(info.st_size);
  if (size < started_ + kWindowBytes) return;
  // Errors are ignored: the fsync before the rename is what makes the file durable.
  if (started_ > waited_)
    ::sync_file_range(
        fd_, static_cast<off_t>(waited_), static_cast<off_t>(started_ - waited_),
        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  waited_ = started_;
  ::sync_file_range(fd_, static_cast<off_t>(started_), static_cast<off_t>(size - started_),
                    SYNC_FILE_RANGE_WRITE);
  started_ = size;
#endif
}

}  // namespace nnport::weights
