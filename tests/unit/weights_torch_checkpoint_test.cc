// torch.save checkpoints written by real PyTorch (Debian's torch via /usr/bin/python3, see
// weights_fixtures/torch_checkpoints.py), read without Python and compared bit for bit with
// the same tensors written independently as .safetensors.
#include <sys/wait.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "run_nnport.h"
#include "weights/checkpoint_reader.h"
#include "weights/safetensors_reader.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::ScratchDir;

// Runs the fixture once for the whole suite; empty when torch is unavailable.
class TorchCheckpoints : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists("/usr/bin/python3")) return;
    dir_ = new ScratchDir();
    std::string command = std::string("/usr/bin/python3 ") + NNPORT_SOURCE_DIR +
                          "/tests/unit/weights_fixtures/torch_checkpoints.py " +
                          dir_->path().string() + " " + NNPORT_SOURCE_DIR +
                          "/examples/cifar_cnn.safetensors";
    int status = std::system(command.c_str());
    available_ = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    ASSERT_TRUE(available_ || (WIFEXITED(status) && WEXITSTATUS(status) == 77)) << command;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!available_) GTEST_SKIP() << "torch is not installed for /usr/bin/python3";
  }
  static std::string file(const std::string& name) { return dir_->file(name); }

  static Checkpoint read(const std::string& name, const CheckpointReadOptions& options = {}) {
    Checkpoint checkpoint;
    std::string error = read_checkpoint(file(name), checkpoint, options);
    EXPECT_EQ(error, "") << name;
    return checkpoint;
  }

  // Same names, dtypes, shapes and bytes as the independently written expectation.
  static void expect_same_tensors(const Checkpoint& actual, const std::string& expected_file) {
    Checkpoint expected;
    ASSERT_EQ(read_safetensors(file(expected_file), expected), "");
    ASSERT_FALSE(expected.tensors.empty());
    std::vector<std::string> actual_names, expected_names;
    for (const auto& entry : actual.tensors) actual_names.push_back(entry.first);
    for (const auto& entry : expected.tensors) expected_names.push_back(entry.first);
    ASSERT_EQ(actual_names, expected_names);
    for (const auto& [name, want] : expected.tensors) {
      const TensorView& got = actual.tensors.at(name);
      EXPECT_EQ(got.dtype, want.dtype) << name;
      EXPECT_EQ(got.shape, want.shape) << name;
      ASSERT_EQ(got.bytes.size(), want.bytes.size()) << name;
      if (!want.bytes.empty()) {
        EXPECT_EQ(std::memcmp(got.bytes.data(), want.bytes.data(), want.bytes.size()), 0) << name;
      }
    }
  }

  static bool in_mapping(const Checkpoint& checkpoint, const TensorView& view) {
    auto file_bytes = checkpoint.mapping.bytes();
    return view.bytes.data() >= file_bytes.data() &&
           view.bytes.data() + view.bytes.size() <= file_bytes.data() + file_bytes.size();
  }

  static bool has_note(const Checkpoint& checkpoint, const std::string& text) {
    for (const auto& note : checkpoint.notes)
      if (note.find(text) != std::string::npos) return true;
    return false;
  }

  static inline ScratchDir* dir_ = nullptr;
  static inline bool available_ = false;
};

TEST_F(TorchCheckpoints, ZipFormatEveryDtypeBitExact) {
  Checkpoint checkpoint = read("zip.pt");
  expect_same_tensors(checkpoint, "expected.safetensors");
  EXPECT_TRUE(checkpoint.notes.empty());
  // Contiguous tensors are views into the mapped file; the transposed one had to be copied.
  EXPECT_TRUE(in_mapping(checkpoint, checkpoint.tensors.at("f32")));
  EXPECT_TRUE(in_mapping(checkpoint, checkpoint.tensors.at("bf16")));
  EXPECT_FALSE(in_mapping(checkpoint, checkpoint.tensors.at("transposed")));
}

TEST_F(TorchCheckpoints, LegacyFormatEveryDtypeBitExact) {
  Checkpoint checkpoint = read("legacy.pt");
  expect_same_tensors(checkpoint, "expected.safetensors");
  EXPECT_TRUE(in_mapping(checkpoint, checkpoint.tensors.at("i64")));
}

TEST_F(TorchCheckpoints, SharedStorageViewsPointIntoOneStorage) {
  for (const char* name : {"zip.pt", "legacy.pt"}) {
    Checkpoint checkpoint = read(name);
    // base = arange(24).reshape(4, 6): row 1 starts at element 6, rows 2.. at element 12.
    const TensorView& row = checkpoint.tensors.at("shared_row");
    const TensorView& tail = checkpoint.tensors.at("shared_tail");
    EXPECT_EQ(row.bytes.data() + 6 * sizeof(float), tail.bytes.data()) << name;
    float first = 0;
    std::memcpy(&first, tail.bytes.data(), sizeof first);
    EXPECT_EQ(first, 12.0f) << name;
  }
}

TEST_F(TorchCheckpoints, DataParallelPrefixIsRemoved) {
  Checkpoint checkpoint = read("data_parallel.pt");
  expect_same_tensors(checkpoint, "expected.safetensors");
  EXPECT_TRUE(has_note(checkpoint, "'module.'"));
}

TEST_F(TorchCheckpoints, FindsTheStateDictInsideATrainingCheckpoint) {
  Checkpoint model = read("nested_model.pt");
  expect_same_tensors(model, "model_expected.safetensors");
  EXPECT_TRUE(has_note(model, "checkpoint['model']")) << ::testing::PrintToString(model.notes);
  EXPECT_TRUE(has_note(model, "'epoch', 'optimizer', 'best'"))
      << ::testing::PrintToString(model.notes);
  // The optimizer's momentum buffers form a dict of tensors too, and are not taken.
  EXPECT_TRUE(has_note(model, "checkpoint['optimizer']['state'][0]"))
      << ::testing::PrintToString(model.notes);

  expect_same_tensors(read("nested_state_dict.pt"), "model_expected.safetensors");
  expect_same_tensors(read("nested_model_state_dict.pt"),
                      "model_expected.safetensors");  // legacy format
  Checkpoint net = read("nested_net.pt");             // "net" wins over the unknown "ema"
  expect_same_tensors(net, "model_expected.safetensors");
  EXPECT_TRUE(has_note(net, "checkpoint['ema']"));
}

TEST_F(TorchCheckpoints, ExpectedNamesChooseBetweenCandidates) {
  // Without knowing the model, the well-known key "weights" wins ...
  Checkpoint guess = read("nested_two_candidates.pt");
  EXPECT_EQ(guess.tensors.size(), 1u);
  EXPECT_EQ(guess.tensors.count("a"), 1u);
  // ... but the dict whose names the model needs is preferred.
  CheckpointReadOptions options;
  options.expected_names = {"0.weight", "0.bias", "2.weight", "2.bias"};
  Checkpoint chosen = read("nested_two_candidates.pt", options);
  expect_same_tensors(chosen, "model_expected.safetensors");
  EXPECT_TRUE(has_note(chosen, "checkpoint['bundle']"));
}

TEST_F(TorchCheckpoints, FormatIsChosenByContentNotExtension) {
  std::filesystem::copy_file(file("zip.pt"), file("zip_named.safetensors"));
  std::filesystem::copy_file(file("expected.safetensors"), file("safetensors_named.pt"));
  expect_same_tensors(read("zip_named.safetensors"), "expected.safetensors");
  expect_same_tensors(read("safetensors_named.pt"), "expected.safetensors");
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(TorchCheckpoints, MigrateWithPtWeightsEqualsSafetensorsResult) {
  auto migrate = [](const std::string& weights, const std::string& name) {
    auto scratch = nnport::testing::scratch_dir("torch-checkpoint-" + name);
    auto out = scratch / "out";
    auto result = nnport::testing::run_nnport(
        {"migrate", std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.py", "--to", "keras",
         "--input-shape", "N,3,32,32", "--weights", weights, "-o", out.string()},
        scratch);
    EXPECT_EQ(result.exit_status, 0) << name << ": " << result.err;
    std::string h5 = slurp(out / "cifar_cnn.weights.h5");
    EXPECT_GT(h5.size(), 100'000u) << name;
    return h5;
  };
  const std::string reference =
      migrate(std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.safetensors", "st");
  EXPECT_TRUE(reference == migrate(file("cifar.pt"), "zip"))
      << "zip checkpoint gives different weights";
  EXPECT_TRUE(reference == migrate(file("cifar_legacy.pt"), "legacy"))
      << "legacy checkpoint gives different weights";
  EXPECT_TRUE(reference == migrate(file("cifar_nested_dp.pt"), "nested"))
      << "nested checkpoint gives different weights";
}

// What the reader chose (the nested dict, the removed DataParallel prefix) is told to the user
// as note diagnostics by every command that reads a checkpoint, at the checkpoint's path.
TEST_F(TorchCheckpoints, CommandsReportWhatTheReaderChoseAsNotes) {
  const std::string model = std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.py";
  const std::string weights = file("cifar_nested_dp.pt");
  auto scratch = nnport::testing::scratch_dir("torch-checkpoint-notes");
  const std::string chosen = weights +
                             ":0:0: note: using the state_dict at "
                             "checkpoint['model_state_dict'] (";
  const std::string prefix =
      weights +
      ":0:0: note: removed the DataParallel prefix 'module.' from every tensor name "
      "[weights-read-note]";
  const std::string others = "note: ignoring the other checkpoint entries: 'epoch'";
  auto expect_notes = [&](const nnport::testing::RunResult& r, const std::string& command) {
    EXPECT_EQ(r.exit_status, 0) << command << ": " << r.err;
    EXPECT_NE(r.err.find(chosen), std::string::npos) << command << ": " << r.err;
    EXPECT_NE(r.err.find(prefix), std::string::npos) << command << ": " << r.err;
    EXPECT_NE(r.err.find(others), std::string::npos) << command << ": " << r.err;
  };
  expect_notes(nnport::testing::run_nnport({"convert-weights", weights, "--model", model, "--to",
                                            "keras", "-o", (scratch / "c.weights.h5").string()},
                                           scratch),
               "convert-weights");
  expect_notes(nnport::testing::run_nnport({"inspect-weights", weights}, scratch),
               "inspect-weights");
  expect_notes(nnport::testing::run_nnport({"migrate", model, "--to", "keras", "--weights", weights,
                                            "-o", (scratch / "m").string()},
                                           scratch),
               "migrate --weights");
  // A plain state_dict needs no explanation.
  auto plain = nnport::testing::run_nnport({"inspect-weights", file("cifar.pt")}, scratch);
  EXPECT_EQ(plain.exit_status, 0) << plain.err;
  EXPECT_EQ(plain.err.find("[weights-read-note]"), std::string::npos) << plain.err;
}

}  // namespace
}  // namespace nnport::weights
