// Write-behind for large output files: the disk writes of what a writer has already appended
// start while it goes on converting, instead of all at the final fsync (atomic output flushes
// the temporary file before renaming it), and dirty pages stay bounded by a few windows.
#pragma once

#include <cstdint>
#include <string>

namespace nnport::weights {

class WriteBehind {
 public:
  WriteBehind() = default;
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;
  ~WriteBehind();

  // Watches `path`, a file written through another descriptor (HDF5's, stdio's). Only a hint:
  // when the file cannot be opened, progress() does nothing.
  void watch(const std::string& path);
  // Call after each large write. Once a window of new bytes has been appended, starts their
  // writeback and waits for the window before it, whose writes have had a window's worth of
  // conversion time to complete.
  void progress();

 private:
  static constexpr uint64_t kWindowBytes = uint64_t{32} << 20;
  int fd_ = -1;
  uint64_t started_ = 0;  // writeback started for [0, started_)
  uint64_t waited_ = 0;   // and completed for [0, waited_)
};

}  // namespace nnport::weights
