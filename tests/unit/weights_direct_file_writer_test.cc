// The direct writer must leave exactly the bytes it was given, wherever its runs start and end
// and however the appends are cut, with O_DIRECT and with the page-cache fallback alike.
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <span>
#include <vector>

#include "weights/direct_file_writer.h"

namespace {

using nnport::weights::DirectFileWriter;

std::vector<std::byte> random_bytes(size_t size, unsigned seed) {
  std::mt19937 engine(seed);
  std::vector<std::byte> bytes(size);
  for (auto& b : bytes) b = static_cast<std::byte>(engine() & 0xffu);
  return bytes;
}

std::vector<std::byte> read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

class DirectFileWriterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    // Next to the build, not in /tmp: tmpfs would refuse O_DIRECT and test only the fallback.
    // One directory per test instance: CTest runs the instances in parallel.
    dir_ = std::filesystem::current_path() /
           (std::string("direct_file_writer_") + (GetParam() ? "page_cache" : "direct"));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

// Appends `data` to the writer in pieces of varying size (1 byte to several blocks).
void append_in_pieces(DirectFileWriter& writer, std::span<const std::byte> data, unsigned seed) {
  std::mt19937 engine(seed);
  while (!data.empty()) {
    const size_t piece = std::min<size_t>(data.size(), 1 + engine() % 20000);
    ASSERT_EQ(writer.append(data.first(piece)), "");
    data = data.subspan(piece);
  }
}

TEST_P(DirectFileWriterTest, RunsAtAnyOffsetAndPatchesGiveTheExactBytes) {
  const bool refuse_direct = GetParam();
  DirectFileWriter::Options options;
  options.block_bytes = 2 * DirectFileWriter::kBlock;  // small, so blocks cycle many times
  options.blocks = 2;
  options.refuse_direct = refuse_direct;
  const auto path = dir_ / "out.bin";

  // Two runs with a gap between them (written by "another writer", here the test itself
  // afterwards), one starting on a block boundary and one not, ending anywhere.
  const auto first = random_bytes(5 * DirectFileWriter::kBlock + 123, 1);
  const uint64_t second_offset = 9 * DirectFileWriter::kBlock + 77;
  const auto second = random_bytes(3 * DirectFileWriter::kBlock + 4001, 2);
  const auto gap = random_bytes(second_offset - first.size(), 3);
  const auto patch = random_bytes(9, 4);

  DirectFileWriter writer(options);
  ASSERT_EQ(writer.open(path.string(), true), "");
  ASSERT_EQ(writer.begin_run(0), "");
  append_in_pieces(writer, first, 5);
  ASSERT_EQ(writer.end_run(), "");
  ASSERT_EQ(writer.begin_run(second_offset), "");
  append_in_pieces(writer, second, 6);
  ASSERT_EQ(writer.end_run(), "");
  // A patch over bytes that went in a direct block.
  ASSERT_EQ(writer.patch(DirectFileWriter::kBlock + 10, patch), "");
  if (!refuse_direct && writer.direct()) {
    EXPECT_GT(writer.direct_bytes(), 0u) << "blocks should bypass the page cache";
  }
  if (refuse_direct) {
    EXPECT_FALSE(writer.direct());
  }
  ASSERT_EQ(writer.close(), "");
  {
    // The gap, written through an ordinary stream as another writer would.
    std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out.seekp(static_cast<std::streamoff>(first.size()));
    out.write(reinterpret_cast<const char*>(gap.data()), static_cast<std::streamsize>(gap.size()));
  }

  std::vector<std::byte> expected = first;
  expected.insert(expected.end(), gap.begin(), gap.end());
  expected.insert(expected.end(), second.begin(), second.end());
  std::copy(patch.begin(), patch.end(), expected.begin() + DirectFileWriter::kBlock + 10);
  const auto written = read_all(path);
  ASSERT_EQ(written.size(), expected.size());
  EXPECT_TRUE(written == expected);
}

INSTANTIATE_TEST_SUITE_P(DirectAndFallback, DirectFileWriterTest, ::testing::Values(false, true),
                         [](const auto& instance) {
                           return instance.param ? "PageCache" : "Direct";
                         });

TEST(DirectFileWriter, ReportsWhatFailsInsteadOfWriting) {
  DirectFileWriter writer;
  EXPECT_NE(writer.open("/nonexistent-directory/out.bin", true).find("cannot create"),
            std::string::npos);
  // Every later call repeats the first failure.
  EXPECT_NE(writer.begin_run(0).find("cannot create"), std::string::npos);

  DirectFileWriter unopened;
  const std::byte one{1};
  EXPECT_NE(unopened.append(std::span(&one, 1)), "");
}

}  // namespace
