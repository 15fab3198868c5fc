// Tests of the .safetensors reader: well-formed files and hostile ones, which must be refused
// with a message (and, through convert_to_keras_h5, a weights-unreadable diagnostic).
#include <cstring>

#include <gtest/gtest.h>

#include "weights/convert.h"
#include "weights/safetensors_reader.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::safetensors_bytes;
using testing::SafetensorsBuilder;
using testing::ScratchDir;
using testing::write_bytes;

TEST(WeightsSafetensors, ReadsTensorsAndMetadata) {
  ScratchDir dir;
  SafetensorsBuilder()
      .add<float>("a.weight", "F32", {2, 2}, {1.0f, 2.0f, 3.0f, 4.0f})
      .add<int64_t>("a.count", "I64", {}, {42})
      .add<uint8_t>("flags", "BOOL", {3}, {1, 0, 1})
      .add<uint16_t>("h", "F16", {1}, {0x3c00})
      .metadata("format", "pt")
      .write(dir.file("m.safetensors"));
  Checkpoint checkpoint;
  ASSERT_EQ(read_safetensors(dir.file("m.safetensors"), checkpoint), "");
  ASSERT_EQ(checkpoint.tensors.size(), 4u);
  const TensorView& a = checkpoint.tensors.at("a.weight");
  EXPECT_EQ(a.dtype, pivot::DType::Float32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 2}));
  ASSERT_EQ(a.bytes.size(), 16u);
  float third;
  std::memcpy(&third, a.bytes.data() + 8, sizeof third);
  EXPECT_EQ(third, 3.0f);
  EXPECT_EQ(checkpoint.tensors.at("a.count").shape, std::vector<int64_t>{});
  EXPECT_EQ(checkpoint.tensors.at("flags").dtype, pivot::DType::Bool);
  EXPECT_EQ(checkpoint.tensors.at("h").dtype, pivot::DType::Float16);
  EXPECT_EQ(checkpoint.metadata.at("format"), "pt");
}

TEST(WeightsSafetensors, AcceptsHeaderPaddingAndEmptyHeader) {
  ScratchDir dir;
  // The reference writer pads the header with spaces to 8-byte alignment.
  std::string header = R"({"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})";
  write_bytes(dir.file("p.safetensors"), safetensors_bytes(header + "     ", "ab"));
  Checkpoint checkpoint;
  EXPECT_EQ(read_safetensors(dir.file("p.safetensors"), checkpoint), "");
  EXPECT_EQ(checkpoint.tensors.size(), 1u);
  write_bytes(dir.file("e.safetensors"), safetensors_bytes("{}", ""));
  EXPECT_EQ(read_safetensors(dir.file("e.safetensors"), checkpoint), "");
  EXPECT_TRUE(checkpoint.tensors.empty());
}

struct Hostile {
  const char* name;
  std::string bytes;
  const char* expected_fragment;
};

std::string entry(const std::string& dtype, const std::string& shape, const std::string& offsets) {
  return R"({"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}";
}

std::vector<Hostile> hostile_files() {
  const std::string data16(16, '\x01');
  auto one = [](const std::string& e) { return "{\"t\":" + e + "}"; };
  return {
      {"empty file", "", "too small"},
      {"seven bytes", std::string(7, '\0'), "too small"},
      {"header longer than file", safetensors_bytes("{}", "", 1000), "larger than the file"},
      {"huge header length", safetensors_bytes("{}", "", uint64_t{1} << 63), "exceeds"},
      {"header length just over cap", safetensors_bytes("{}", "", kMaxSafetensorsHeader + 1),
       "exceeds"},
      {"all ones length", safetensors_bytes("{}", "", ~uint64_t{0}), "exceeds"},
      {"not JSON", safetensors_bytes("this is not json", data16), "not valid JSON"},
      {"truncated JSON", safetensors_bytes(R"({"t":{"dtype":"F32")", data16), "not valid JSON"},
      {"NUL in header", safetensors_bytes(std::string("{\"t\0\":1}", 9), data16), "not valid JSON"},
      {"invalid UTF-8", safetensors_bytes("{\"\xff\xfe\":1}", data16), "not valid JSON"},
      {"JSON array", safetensors_bytes("[1,2]", data16), "not a JSON object"},
      {"entry not object", safetensors_bytes(one("3"), data16), "not an object"},
      {"missing field", safetensors_bytes(R"({"t":{"dtype":"F32","shape":[4]}})", data16), "lacks"},
      {"unknown dtype", safetensors_bytes(one(entry("F8_E4M3", "[4]", "[0,4]")), data16),
       "unsupported dtype"},
      {"dtype not string",
       safetensors_bytes(R"({"t":{"dtype":5,"shape":[4],"data_offsets":[0,16]}})", data16),
       "non-string dtype"},
      {"offsets out of range", safetensors_bytes(one(entry("F32", "[4]", "[8,24]")), data16),
       "beyond"},
      {"offsets huge",
       safetensors_bytes(one(entry("F32", "[4]", "[18446744073709551600,18446744073709551616]")),
                         data16),
       "invalid data_offsets"},
      {"offsets reversed", safetensors_bytes(one(entry("F32", "[0]", "[8,4]")), data16),
       "invalid data_offsets"},
      {"offsets negative", safetensors_bytes(one(entry("F32", "[1]", "[-4,0]")), data16),
       "invalid data_offsets"},
      {"offsets not pair", safetensors_bytes(one(entry("F32", "[4]", "[0]")), data16),
       "data_offsets [begin, end]"},
      {"size mismatch", safetensors_bytes(one(entry("F32", "[2,2]", "[0,12]")), data16),
       "needs 16 bytes"},
      {"negative dimension", safetensors_bytes(one(entry("F32", "[-4]", "[0,16]")), data16),
       "invalid dimension"},
      {"fractional dimension", safetensors_bytes(one(entry("F32", "[1.5]", "[0,16]")), data16),
       "invalid dimension"},
      {"shape not list", safetensors_bytes(one(entry("F32", "4", "[0,16]")), data16), "not a list"},
      {"shape overflow",
       safetensors_bytes(one(entry("F32", "[4611686018427387904,4611686018427387904]", "[0,16]")),
                         data16),
       "overflows"},
      {"shape overflow via dtype",
       safetensors_bytes(one(entry("F64", "[4611686018427387904]", "[0,16]")), data16),
       "overflows"},
      {"overlapping tensors",
       safetensors_bytes("{\"a\":" + entry("F32", "[2]", "[0,8]") +
                             ",\"b\":" + entry("F32", "[2]", "[4,12]") + "}",
                         data16),
       "overlap"},
      {"metadata not object", safetensors_bytes(R"({"__metadata__":[1]})", data16), "__metadata__"},
  };
}

TEST(WeightsSafetensors, RefusesHostileFilesWithAMessage) {
  ScratchDir dir;
  for (const auto& hostile : hostile_files()) {
    std::string path = dir.file("h.safetensors");
    write_bytes(path, hostile.bytes);
    Checkpoint checkpoint;
    std::string error = read_safetensors(path, checkpoint);
    EXPECT_NE(error.find(hostile.expected_fragment), std::string::npos)
        << hostile.name << ": got '" << error << "'";
  }
}

TEST(WeightsSafetensors, RefusesDirectoriesAndMissingFiles) {
  ScratchDir dir;
  Checkpoint checkpoint;
  EXPECT_NE(read_safetensors(dir.path().string(), checkpoint), "");
  EXPECT_NE(read_safetensors(dir.file("absent.safetensors"), checkpoint), "");
}

TEST(WeightsSafetensors, ConversionReportsUnreadableFileAtItsPath) {
  ScratchDir dir;
  std::string input = dir.file("bad.safetensors");
  std::string output = dir.file("out.weights.h5");
  for (const auto& hostile : hostile_files()) {
    write_bytes(input, hostile.bytes);
    DiagnosticEngine diags;
    EXPECT_FALSE(convert_to_keras_h5({}, {}, input, output, diags)) << hostile.name;
    ASSERT_EQ(diags.diagnostics().size(), 1u) << hostile.name;
    const Diagnostic& d = diags.diagnostics()[0];
    EXPECT_EQ(d.code, Code::WeightsUnreadable) << hostile.name;
    EXPECT_EQ(d.severity, Severity::Error);
    EXPECT_EQ(d.location, (SourceLocation{input, 0, 0}));
    EXPECT_FALSE(std::filesystem::exists(output)) << hostile.name;
  }
  EXPECT_EQ(dir.entry_count(), 1u);  // only the input: no output, no temporary left behind
}

TEST(WeightsSafetensors, ConversionRecognisesTorchZipCheckpoints) {
  ScratchDir dir;
  std::string input = dir.file("model.pt");
  write_bytes(input, std::string("PK\x03\x04", 4) + std::string(60, '\0'));
  DiagnosticEngine diags;
  EXPECT_FALSE(convert_to_keras_h5({}, {}, input, dir.file("o.weights.h5"), diags));
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].code, Code::WeightsUnreadable);
  // Read as a torch.save zip (not as safetensors), whose directory is missing.
  EXPECT_NE(diags.diagnostics()[0].message.find("zip end-of-directory"), std::string::npos);
}

}  // namespace
}  // namespace nnport::weights
