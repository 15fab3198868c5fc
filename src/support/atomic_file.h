// Writes files so that a reader never sees a half-written one: write a temporary file in the
// same directory, flush it to disk, then rename it over the destination.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace nnport {

// Returns an empty string on success, otherwise a message saying what failed.
std::string write_file_atomically(const std::filesystem::path& path, std::string_view content);

// A temporary path next to `path` for writers that need a real file (HDF5); commit with
// rename_into_place. The temporary is removed by the guard unless committed.
class TemporarySibling {
 public:
  explicit TemporarySibling(const std::filesystem::path& destination);
  TemporarySibling(const TemporarySibling&) = delete;
  TemporarySibling& operator=(const TemporarySibling&) = delete;
  ~TemporarySibling();

  const std::filesystem::path& path() const { return temporary_; }
  // fsyncs and renames; returns an empty string on success.
  std::string commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temporary_;
  bool committed_ = false;
};

std::string read_file(const std::filesystem::path& path, bool* ok);

}  // namespace nnport
