// Atomic file output (temporary sibling + fsync + rename).
#include "support/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace nnport {
namespace {

std::filesystem::path temporary_name(const std::filesystem::path& destination) {
  std::random_device device;
  std::ostringstream name;
  name << "." << destination.filename().string() << ".nnport-" << std::hex << device() << ".tmp";
  return destination.parent_path() / name.str();
}

std::string fsync_path(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot reopen ") + path.string() + ": " + std::strerror(errno);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return std::string("cannot flush ") + path.string() + ": " + std::strerror(errno);
  return {};
}

}  // namespace

TemporarySibling::TemporarySibling(const std::filesystem::path& destination)
    : destination_(destination), temporary_(temporary_name(destination)) {}

TemporarySibling::~TemporarySibling() {
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
  }
}

std::string TemporarySibling::commit() {
  if (auto error = fsync_path(temporary_); !error.empty()) return error;
  if (::rename(temporary_.c_str(), destination_.c_str()) != 0)
    return "cannot rename into " + destination_.string() + ": " + std::strerror(errno);
  committed_ = true;
  return {};
}

std::string write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  TemporarySibling temporary(path);
  {
    std::ofstream out(temporary.path(), std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create " + temporary.path().string() + ": " + std::strerror(errno);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) return "cannot write " + temporary.path().string();
  }
  return temporary.commit();
}

std::string read_file(const std::filesystem::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *ok = false;
    return {};
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *ok = static_cast<bool>(in) || in.eof();
  return buffer.str();
}

}  // namespace nnport
