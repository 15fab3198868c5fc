// Tests of the Keras weights readers (.weights.h5, legacy tf.keras HDF5, .keras archives) on
// files written by h5py (weights_fixtures/keras_h5_files.py, run with /usr/bin/python3) and by
// our own Keras writer, and on corrupt or hostile files, which must be refused with a message.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "weights/keras_archive_reader.h"
#include "weights/keras_h5_reader.h"
#include "weights/keras_h5_writer.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::ScratchDir;
using testing::write_bytes;

std::string to_hex(std::span<const std::byte> bytes) {
  std::string out;
  for (std::byte b : bytes) out += fmt::format("{:02x}", std::to_integer<unsigned>(b));
  return out;
}

bool inside(std::span<const std::byte> part, std::span<const std::byte> whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs the h5py fixture script into `dir`; false (with a skip reason) when it cannot run.
bool make_fixtures(const ScratchDir& dir, std::string& skip) {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    skip = "/usr/bin/python3 not available";
    return false;
  }
  std::string command = std::string("/usr/bin/python3 ") + NNPORT_SOURCE_DIR +
                        "/tests/unit/weights_fixtures/keras_h5_files.py " + dir.path().string();
  int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    skip = "h5py is not installed for /usr/bin/python3 (apt install python3-h5py)";
    return false;
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string read_any(const std::string& path, Checkpoint& out) {
  return path.ends_with(".keras") ? read_keras_archive(path, out) : read_keras_h5(path, out);
}

class KerasH5Files : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skip;
    if (!make_fixtures(dir_, skip)) {
      if (!skip.empty()) GTEST_SKIP() << skip;
      FAIL() << "fixture script failed";
    }
    manifest_ = nlohmann::json::parse(slurp(dir_.file("manifest.json")));
  }
  ScratchDir dir_;
  nlohmann::json manifest_;
};

TEST_F(KerasH5Files, ReadsEveryLayoutWithExactKeysShapesAndBytes) {
  ASSERT_EQ(manifest_["files"].size(), 6u);
  for (const auto& [file, expected] : manifest_["files"].items()) {
    SCOPED_TRACE(file);
    Checkpoint checkpoint;
    ASSERT_EQ(read_any(dir_.file(file), checkpoint), "");
    EXPECT_EQ(checkpoint.metadata.at("keras.weights_layout"),
              expected["layout"].get<std::string>());
    std::vector<std::string> keys, expected_keys;
    for (const auto& [key, view] : checkpoint.tensors) keys.push_back(key);
    for (const auto& [key, tensor] : expected["tensors"].items()) expected_keys.push_back(key);
    std::sort(expected_keys.begin(), expected_keys.end());
    ASSERT_EQ(keys, expected_keys);
    for (const auto& [key, tensor] : expected["tensors"].items()) {
      SCOPED_TRACE(key);
      const TensorView& view = checkpoint.tensors.at(key);
      EXPECT_EQ(pivot::dtype_name(view.dtype), tensor["dtype"].get<std::string>());
      EXPECT_EQ(view.shape, tensor["shape"].get<std::vector<int64_t>>());
      EXPECT_EQ(to_hex(view.bytes), tensor["hex"].get<std::string>());
      // Contiguous datasets of a file (or of a stored archive member) are views of the mapping.
      const bool in_mapping = inside(view.bytes, checkpoint.mapping.bytes());
      if (tensor["contiguous"].get<bool>() && !view.bytes.empty() && file != "deflated.keras") {
        EXPECT_TRUE(in_mapping);
      }
      if (!tensor["contiguous"].get<bool>()) {
        EXPECT_FALSE(in_mapping);
      }
    }
    std::map<std::string, std::string> expected_aliases = expected["aliases"];
    EXPECT_EQ(checkpoint.aliases, expected_aliases);
    for (const auto& [alias, key] : expected_aliases)
      EXPECT_EQ(checkpoint.find(alias), &checkpoint.tensors.at(key));
    if (file.ends_with(".keras")) {
      EXPECT_EQ(checkpoint.metadata.at("config.json"), manifest_["config_json"].get<std::string>());
      EXPECT_NE(checkpoint.metadata.at("metadata.json").find("3.8.0"), std::string::npos);
    }
  }
}

TEST_F(KerasH5Files, RefusesHostileDatasetsWithAReason) {
  ASSERT_GE(manifest_["bad"].size(), 7u);
  for (const auto& [file, fragment] : manifest_["bad"].items()) {
    Checkpoint checkpoint;
    std::string error = read_keras_h5(dir_.file(file), checkpoint);
    EXPECT_NE(error.find(fragment.get<std::string>()), std::string::npos) << file << ": " << error;
  }
  Checkpoint checkpoint;
  EXPECT_NE(
      read_keras_archive(dir_.file("bad_no_weights.keras"), checkpoint).find("no model.weights.h5"),
      std::string::npos);
  EXPECT_NE(
      read_keras_archive(dir_.file("keras3.weights.h5"), checkpoint).find("not a readable .keras"),
      std::string::npos);
}

TEST_F(KerasH5Files, RefusesTruncatedAndForeignFiles) {
  const std::string whole = slurp(dir_.file("keras3.weights.h5"));
  for (size_t length :
       {size_t{0}, size_t{7}, size_t{100}, size_t{2048}, whole.size() / 2, whole.size() - 1}) {
    write_bytes(dir_.file("cut.h5"), whole.substr(0, length));
    Checkpoint checkpoint;
    std::string error = read_keras_h5(dir_.file("cut.h5"), checkpoint);
    EXPECT_FALSE(error.empty()) << "truncated to " << length;
  }
  write_bytes(dir_.file("text.h5"), "this is not HDF5 at all, just some text");
  Checkpoint checkpoint;
  EXPECT_NE(read_keras_h5(dir_.file("text.h5"), checkpoint).find("not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(read_keras_h5(dir_.file("does_not_exist.h5"), checkpoint), "");

  // Truncating the weights member inside a .keras archive: the zip CRC or HDF5 catches it.
  const std::string archive = slurp(dir_.file("model.keras"));
  write_bytes(dir_.file("cut.keras"), archive.substr(0, archive.size() / 2));
  EXPECT_NE(read_keras_archive(dir_.file("cut.keras"), checkpoint), "");
}

// Random byte damage must give a message or a result, never a crash or a hang (the unit tests
// run under ASan in CI). Damage inside raw tensor data is legitimately accepted. The damaged
// files are read by a fresh process of this test binary (DamagedFilesWorker) because HDF5 1.10
// itself misbehaves at the edges: it keeps internal state of some files it failed to open (a
// leak reported when the library shuts down) and asks malloc for absurd sizes read from
// damaged headers, checking for NULL, which AddressSanitizer only returns when told to.
TEST_F(KerasH5Files, SurvivesRandomCorruption) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const char* asan = std::getenv("ASAN_OPTIONS");
  std::string command = fmt::format(
      "NNPORT_DAMAGE_SOURCE='{}' ASAN_OPTIONS='{}:allocator_may_return_null=1:detect_leaks=0' '{}' "
      "--gtest_filter=KerasH5Reader.DamagedFilesWorker > '{}' 2>&1",
      dir_.file("legacy.h5"), asan ? asan : "", self, dir_.file("worker.log"));
  int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << slurp(dir_.file("worker.log"));
  EXPECT_NE(slurp(dir_.file("worker.log")).find("refused "), std::string::npos);
}

// Worker of SurvivesRandomCorruption; does nothing when run on its own.
TEST(KerasH5Reader, DamagedFilesWorker) {
  const char* source = std::getenv("NNPORT_DAMAGE_SOURCE");
  if (!source) GTEST_SKIP() << "runs only as a worker of KerasH5Files.SurvivesRandomCorruption";
  const std::string whole = slurp(source);
  const std::string damaged_path = std::string(source) + ".damaged.h5";
  std::mt19937 random(1234);
  size_t refused = 0;
  constexpr int kRounds = 150;
  for (int round = 0; round < kRounds; ++round) {
    std::string damaged = whole;
    std::uniform_int_distribution<size_t> position(0, std::min<size_t>(damaged.size(), 4096) - 1);
    for (int hit = 0; hit < 4; ++hit)
      damaged[position(random)] = static_cast<char>(random() & 0xff);
    write_bytes(damaged_path, damaged);
    Checkpoint checkpoint;
    if (!read_keras_h5(damaged_path, checkpoint).empty()) ++refused;
  }
  std::printf("refused %zu of %d damaged files\n", refused, kRounds);
  std::fflush(stdout);
  // Metadata damage in the first 4 KiB must be noticed at least sometimes; _exit skips HDF5's
  // shutdown (see above).
  _exit(refused > 0 ? 0 : 3);
}

TEST(KerasH5Reader, ReadsBackWhatOurKerasWriterWrites) {
  ScratchDir dir;
  Tensor kernel{pivot::DType::Float32, {2, 3}, {}};
  for (int i = 0; i < 6; ++i) {
    float value = static_cast<float>(i) * 0.25f - 1.0f;
    const auto* raw = reinterpret_cast<const std::byte*>(&value);
    kernel.bytes.insert(kernel.bytes.end(), raw, raw + sizeof value);
  }
  Tensor count{pivot::DType::Int64, {}, std::vector<std::byte>(8, std::byte{0})};
  count.bytes[0] = std::byte{9};
  ASSERT_EQ(write_keras_weights_h5(dir.file("w.weights.h5"),
                                   {{"layers/dense/vars/0", kernel}, {"layers/seen/vars/0", count}},
                                   {"layers/re_lu"}),
            "");
  Checkpoint checkpoint;
  ASSERT_EQ(read_keras_h5(dir.file("w.weights.h5"), checkpoint), "");
  ASSERT_EQ(checkpoint.tensors.size(), 2u);
  const TensorView& read_kernel = checkpoint.tensors.at("layers/dense/vars/0");
  EXPECT_EQ(read_kernel.shape, kernel.shape);
  EXPECT_EQ(to_hex(read_kernel.bytes), to_hex(kernel.bytes));
  EXPECT_TRUE(inside(read_kernel.bytes, checkpoint.mapping.bytes()));
  EXPECT_EQ(checkpoint.tensors.at("layers/seen/vars/0").shape, std::vector<int64_t>{});
  EXPECT_EQ(to_hex(checkpoint.tensors.at("layers/seen/vars/0").bytes), "0900000000000000");
  EXPECT_EQ(checkpoint.find("layers/missing/vars/0"), nullptr);
}

}  // namespace
}  // namespace nnport::weights
