// O_DIRECT block writer with a page-cache fallback (Linux; elsewhere always the fallback).
#include "weights/direct_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace nnport::weights {
namespace {

std::string errno_text() { return std::strerror(errno); }

}  // namespace

void DirectFileWriter::AlignedFree::operator()(std::byte* data) const { std::free(data); }

DirectFileWriter::~DirectFileWriter() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  if (direct_fd_ >= 0) ::close(direct_fd_);
  if (buffered_fd_ >= 0) ::close(buffered_fd_);
}

std::string DirectFileWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return error_;
}

std::string DirectFileWriter::open(const std::string& path, bool truncate) {
  if (!error_.empty()) return error_;
  if (buffered_fd_ >= 0) return fail("internal: the file is already open");
  if (options_.block_bytes == 0 || options_.block_bytes % kBlock != 0 || options_.blocks < 2)
    return fail("internal: blocks must be whole multiples of 4096 bytes, at least two");
  path_ = path;
  buffered_fd_ =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0666);
  if (buffered_fd_ < 0) return fail(fmt::format("cannot create {}: {}", path, errno_text()));
#if defined(O_DIRECT)
  // A file system without O_DIRECT refuses the open (EINVAL): then every block goes through
  // the page cache.
  if (!options_.refuse_direct) direct_fd_ = ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
#endif
  for (size_t i = 0; i < options_.blocks; ++i) {
    auto* data = static_cast<std::byte*>(std::aligned_alloc(kBlock, options_.block_bytes));
    if (data == nullptr) return fail("cannot allocate the output buffers");
    storage_.emplace_back(data);
    free_.push_back(data);
  }
  thread_ = std::thread([this] { run_thread(); });
  return {};
}

bool DirectFileWriter::direct() const {
  std::lock_guard lock(mutex_);
  return direct_fd_ >= 0;
}

uint64_t DirectFileWriter::direct_bytes() const {
  std::lock_guard lock(mutex_);
  return direct_bytes_;
}

std::string DirectFileWriter::write_buffered(uint64_t offset, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t written =
        ::pwrite(buffered_fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return fmt::format("cannot write {}: {}", path_, errno_text());
    offset += static_cast<uint64_t>(written);
    bytes = bytes.subspan(static_cast<size_t>(written));
  }
  return {};
}

std::string DirectFileWriter::begin_run(uint64_t offset) {
  if (!error_.empty()) return error_;
  if (buffered_fd_ < 0 || in_run_) return fail("internal: a run cannot start now");
  in_run_ = true;
  position_ = offset;
  return {};
}

std::string DirectFileWriter::take_free_block() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !free_.empty() || !thread_error_.empty(); });
  if (!thread_error_.empty()) return thread_error_;
  filling_ = Block{free_.back(), position_, 0};
  free_.pop_back();
  return {};
}

std::string DirectFileWriter::submit_block(size_t size) {
  {
    std::lock_guard lock(mutex_);
    if (!thread_error_.empty()) return thread_error_;
    queued_.push_back(Block{filling_.data, filling_.offset, size});
  }
  changed_.notify_all();
  filling_ = Block{};
  return {};
}

std::string DirectFileWriter::append(std::span<const std::byte> bytes) {
  if (!error_.empty()) return error_;
  if (!in_run_) return fail("internal: bytes appended outside a run");
  while (!bytes.empty()) {
    if (filling_.data == nullptr) {
      // The head of a run up to the first block boundary goes through the page cache.
      if (const uint64_t misalignment = position_ % kBlock; misalignment != 0) {
        const size_t head = std::min<uint64_t>(bytes.size(), kBlock - misalignment);
        if (auto error = write_buffered(position_, bytes.first(head)); !error.empty())
          return fail(std::move(error));
        position_ += head;
        bytes = bytes.subspan(head);
        continue;
      }
      if (auto error = take_free_block(); !error.empty()) return fail(std::move(error));
    }
    const size_t count = std::min(bytes.size(), options_.block_bytes - filling_.size);
    std::memcpy(filling_.data + filling_.size, bytes.data(), count);
    filling_.size += count;
    position_ += count;
    bytes = bytes.subspan(count);
    if (filling_.size == options_.block_bytes)
      if (auto error = submit_block(filling_.size); !error.empty()) return fail(std::move(error));
  }
  return {};
}

std::string DirectFileWriter::end_run() {
  if (!error_.empty()) return error_;
  if (!in_run_) return fail("internal: no run to end");
  in_run_ = false;
  if (filling_.data == nullptr) return {};
  // The tail after the last block boundary goes through the page cache, now, from the block
  // still held here; the whole blocks before it go to the thread.
  const size_t whole = filling_.size / kBlock * kBlock;
  if (auto error = write_buffered(filling_.offset + whole,
                                  std::span(filling_.data + whole, filling_.size - whole));
      !error.empty())
    return fail(std::move(error));
  if (whole > 0) {
    if (auto error = submit_block(whole); !error.empty()) return fail(std::move(error));
    return {};
  }
  {
    std::lock_guard lock(mutex_);
    free_.push_back(filling_.data);
  }
  changed_.notify_all();
  filling_ = Block{};
  return {};
}

std::string DirectFileWriter::patch(uint64_t offset, std::span<const std::byte> bytes) {
  if (!error_.empty()) return error_;
  patches_.push_back(Patch{offset, std::vector<std::byte>(bytes.begin(), bytes.end())});
  return {};
}

std::string DirectFileWriter::write_block(const Block& block) {
  std::span<const std::byte> bytes(block.data, block.size);
  uint64_t offset = block.offset;
  bool direct = false;
  {
    std::lock_guard lock(mutex_);
    direct = direct_fd_ >= 0;
  }
  while (direct && !bytes.empty()) {
    const ssize_t written =
        ::pwrite(direct_fd_, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno == EINVAL) {
      // Opened, but the file system refuses this write (alignment rules stricter than 4 KiB):
      // this and every later block go through the page cache.
      std::lock_guard lock(mutex_);
      ::close(direct_fd_);
      direct_fd_ = -1;
      direct = false;
      break;
    }
    if (written <= 0) return fmt::format("cannot write {}: {}", path_, errno_text());
    offset += static_cast<uint64_t>(written);
    bytes = bytes.subspan(static_cast<size_t>(written));
    std::lock_guard lock(mutex_);
    direct_bytes_ += static_cast<uint64_t>(written);
  }
  if (bytes.empty()) return {};
  if (auto error = write_buffered(offset, bytes); !error.empty()) return error;
#if defined(__linux__)
  // Write-behind: start this block's writeback and wait for the previous one, so dirty pages
  // stay bounded and the final fsync finds little left. Errors surface at that fsync.
  ::sync_file_range(buffered_fd_, static_cast<off_t>(offset), static_cast<off_t>(bytes.size()),
                    SYNC_FILE_RANGE_WRITE);
  if (previous_.size > 0)
    ::sync_file_range(
        buffered_fd_, static_cast<off_t>(previous_.offset), static_cast<off_t>(previous_.size),
        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  previous_ = Block{nullptr, offset, bytes.size()};
#endif
  return {};
}

void DirectFileWriter::run_thread() {
  for (;;) {
    Block block;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queued_.empty() || stopping_; });
      if (queued_.empty()) return;
      block = queued_.front();
      queued_.pop_front();
      ++writing_;
    }
    // After a failure, blocks are only returned: the file is discarded anyway.
    std::string error;
    {
      std::lock_guard lock(mutex_);
      error = thread_error_;
    }
    if (error.empty()) error = write_block(block);
    {
      std::lock_guard lock(mutex_);
      --writing_;
      free_.push_back(block.data);
      if (!error.empty() && thread_error_.empty()) thread_error_ = std::move(error);
    }
    changed_.notify_all();
  }
}

std::string DirectFileWriter::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queued_.empty() && writing_ == 0; });
  return thread_error_;
}

std::string DirectFileWriter::close() {
  if (!error_.empty()) return error_;
  if (buffered_fd_ < 0) return fail("internal: the file is not open");
  if (in_run_)
    if (auto error = end_run(); !error.empty()) return error;
  if (auto error = drain(); !error.empty()) return fail(std::move(error));
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  for (const auto& patch : patches_)
    if (auto error = write_buffered(patch.offset, patch.bytes); !error.empty())
      return fail(std::move(error));
  patches_.clear();
  if (direct_fd_ >= 0) {
    ::close(direct_fd_);
    direct_fd_ = -1;
  }
  const int fd = buffered_fd_;
  buffered_fd_ = -1;
  if (::close(fd) != 0) return fail(fmt::format("cannot close {}: {}", path_, errno_text()));
  storage_.clear();
  free_.clear();
  return {};
}

}  // namespace nnport::weights
