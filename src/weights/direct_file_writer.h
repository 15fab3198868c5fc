// Output of large weight files at disk speed. A converted checkpoint is gigabytes written once
// and flushed before it is renamed into place (see support/atomic_file.h). Written through the
// page cache, every byte is first copied into kernel pages and then flushed by the final fsync;
// on a loaded machine dirty-page throttling made that several times slower than the disk itself.
// Here the whole 4 KiB blocks of each run of consecutive bytes go to the disk with O_DIRECT,
// from a background thread, while the caller converts the next piece: no kernel copy and nothing
// left for fsync. The unaligned edges of a run, and small patches, go through the page cache,
// which the kernel keeps coherent with the direct writes of other blocks.
//
// Where O_DIRECT is refused (tmpfs, some network file systems), the same thread writes through
// the page cache and starts writeback of each block as it goes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace nnport::weights {

class DirectFileWriter {
 public:
  struct Options {
    // Bytes per block handed to the writer thread; a multiple of kBlock.
    size_t block_bytes = size_t{16} << 20;
    // Blocks in flight: one being filled, the others being written.
    size_t blocks = 3;
    // Tests: behave as if the file system refused O_DIRECT.
    bool refuse_direct = false;
  };
  static constexpr uint64_t kBlock = 4096;

  DirectFileWriter() = default;
  explicit DirectFileWriter(Options options) : options_(options) {}
  DirectFileWriter(const DirectFileWriter&) = delete;
  DirectFileWriter& operator=(const DirectFileWriter&) = delete;
  ~DirectFileWriter();

  // Opens `path` for writing, creating it, and truncating it when `truncate`. Every call
  // returns an empty string on success, otherwise what failed; after a failure every later call
  // returns the same message.
  std::string open(const std::string& path, bool truncate);
  // Starts a run of consecutive bytes at `offset`; append() adds to it, end_run() finishes it.
  // Runs must not overlap each other or bytes that other writers put in the file.
  std::string begin_run(uint64_t offset);
  std::string append(std::span<const std::byte> bytes);
  std::string end_run();
  // Overwrites bytes already written (a header field known only after the data, such as a
  // CRC); applied by close(), after every block has reached the file.
  std::string patch(uint64_t offset, std::span<const std::byte> bytes);
  // Waits for the writer thread, applies the patches and closes the file (without fsync).
  std::string close();

  // Whether blocks bypass the page cache (false after a fallback).
  bool direct() const;
  // Bytes written with O_DIRECT so far (tests; the benchmark reports it).
  uint64_t direct_bytes() const;

 private:
  struct Block {
    std::byte* data = nullptr;
    uint64_t offset = 0;
    size_t size = 0;
  };
  struct AlignedFree {
    void operator()(std::byte* data) const;
  };

  std::string fail(std::string message);
  std::string write_buffered(uint64_t offset, std::span<const std::byte> bytes);
  // Hands the filled block to the thread and takes a free one (waiting for it if needed).
  std::string submit_block(size_t size);
  std::string take_free_block();
  void run_thread();
  std::string write_block(const Block& block);
  std::string thread_error() const;
  std::string drain();

  Options options_;
  int buffered_fd_ = -1;
  int direct_fd_ = -1;
  std::string path_;
  std::string error_;

  std::vector<std::unique_ptr<std::byte[], AlignedFree>> storage_;
  Block filling_;  // the block append() copies into (data == nullptr: none taken yet)
  bool in_run_ = false;
  uint64_t position_ = 0;  // file offset of the next appended byte

  struct Patch {
    uint64_t offset;
    std::vector<std::byte> bytes;
  };
  std::vector<Patch> patches_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Block> queued_;  // filled, waiting for the thread
  std::vector<std::byte*> free_;
  size_t writing_ = 0;  // blocks the thread holds
  bool stopping_ = false;
  std::string thread_error_;
  uint64_t direct_bytes_ = 0;
  Block previous_;  // page-cache fallback: the block whose writeback runs
  std::thread thread_;
};

}  // namespace nnport::weights
