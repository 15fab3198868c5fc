// Tests of the PyTorch checkpoint writer: files are loaded by the real torch.load (Debian's
// torch via /usr/bin/python3, weights_fixtures/torch_pt_check.py) and compared bit for bit;
// the pickle must equal what torch.save writes for the same state_dict; the zip layout is
// checked with our zip reader (alignment, CRC) and atomic output is checked on failure.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/atomic_file.h"
#include "weights/mapped_file.h"
#include "weights/pickle_writer.h"
#include "weights/torch_pt_writer.h"
#include "weights/zip_archive.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using pivot::DType;
using testing::ScratchDir;

std::string to_hex(std::span<const std::byte> bytes) {
  std::string out;
  for (std::byte b : bytes) out += fmt::format("{:02x}", std::to_integer<unsigned>(b));
  return out;
}

// Runs the torch check script; nullopt with `skip` set when torch is unavailable.
std::optional<nlohmann::json> torch_check(const ScratchDir& dir, const std::string& args,
                                          std::string& skip) {
  if (!std::filesystem::exists("/usr/bin/python3")) {
    skip = "/usr/bin/python3 not available";
    return std::nullopt;
  }
  std::string command = std::string("/usr/bin/python3 ") + NNPORT_SOURCE_DIR +
                        "/tests/unit/weights_fixtures/torch_pt_check.py " + args + " 2>&1";
  int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    skip = "torch is not installed for /usr/bin/python3";
    return std::nullopt;
  }
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  std::ifstream in(dir.file("report.json"));
  if (!in) return std::nullopt;
  return nlohmann::json::parse(in);
}

// A tensor of `dtype` and `shape` with random bit patterns (NaN payloads included); bool
// elements are 0 or 1, the only values torch gives meaning to.
Tensor random_tensor(DType dtype, std::vector<int64_t> shape, std::mt19937& random) {
  Tensor tensor{dtype, std::move(shape), {}};
  tensor.bytes.resize(*element_count(tensor.shape) * pivot::dtype_size(dtype));
  for (auto& b : tensor.bytes)
    b = std::byte(static_cast<uint8_t>(dtype == DType::Bool ? random() & 1u : random()));
  return tensor;
}

struct Named {
  std::string name;
  Tensor tensor;
};

std::string write_pt(const std::string& path, const std::vector<Named>& tensors,
                     TorchPtWriter::Options options = {}) {
  TorchPtWriter writer(path, options);
  for (const auto& [name, tensor] : tensors)
    if (auto error = writer.add(name, tensor.view()); !error.empty()) return error;
  return writer.finish();
}

// torch's names for our dtypes.
std::string torch_dtype(DType dtype) {
  static const std::map<DType, std::string> kNames = {
      {DType::Float32, "float32"},   {DType::Float64, "float64"}, {DType::Float16, "float16"},
      {DType::BFloat16, "bfloat16"}, {DType::Int64, "int64"},     {DType::Int32, "int32"},
      {DType::Int16, "int16"},       {DType::Int8, "int8"},       {DType::UInt8, "uint8"},
      {DType::Bool, "bool"}};
  return kNames.at(dtype);
}

void expect_loaded_as_written(const nlohmann::json& report, const std::vector<Named>& tensors) {
  ASSERT_EQ(report["type"], "collections.OrderedDict");
  ASSERT_EQ(report["tensors"].size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& seen = report["tensors"][i];
    SCOPED_TRACE(tensors[i].name);
    EXPECT_EQ(seen["name"], tensors[i].name);  // insertion order is kept
    EXPECT_EQ(seen["dtype"], torch_dtype(tensors[i].tensor.dtype));
    EXPECT_EQ(seen["shape"].get<std::vector<int64_t>>(), tensors[i].tensor.shape);
    EXPECT_EQ(seen["hex"], to_hex(tensors[i].tensor.bytes));
  }
  EXPECT_TRUE(report["weights_only_equal"].get<bool>());
  EXPECT_TRUE(report["crc_ok"].get<bool>());
  // Same records as torch.save, plus "byteorder" (written by torch 2.1 and later, ignored by 1.13).
  auto our_names = report["our_names"].get<std::vector<std::string>>();
  auto torch_names = report["torch_names"].get<std::vector<std::string>>();
  const std::string byteorder =
      our_names.front().substr(0, our_names.front().find('/')) + "/byteorder";
  if (std::find(torch_names.begin(), torch_names.end(), byteorder) == torch_names.end()) {
    torch_names.push_back(byteorder);
    std::sort(torch_names.begin(), torch_names.end());
  }
  EXPECT_EQ(our_names, torch_names);
  EXPECT_TRUE(report["pickle_identical"].get<bool>()) << "data.pkl differs from torch.save's";
  EXPECT_TRUE(report["records_identical"].get<bool>());
}

std::vector<Named> every_dtype_and_shape() {
  std::mt19937 random(42);
  std::vector<Named> tensors;
  const DType all[] = {DType::Float32, DType::Float64, DType::Float16, DType::BFloat16,
                       DType::Int64,   DType::Int32,   DType::Int16,   DType::Int8,
                       DType::UInt8,   DType::Bool};
  for (DType dtype : all)
    tensors.push_back({fmt::format("layer.{}.weight", pivot::dtype_name(dtype)),
                       random_tensor(dtype, {3, 5}, random)});
  tensors.push_back({"scalar", random_tensor(DType::Float32, {}, random)});
  tensors.push_back({"empty", random_tensor(DType::Float32, {0}, random)});
  tensors.push_back({"empty.middle", random_tensor(DType::Int64, {2, 0, 3}, random)});
  tensors.push_back(
      {"conv.weight", random_tensor(DType::Float32, {4, 3, 2, 2}, random)});  // MARK tuple
  tensors.push_back({"conv3d.weight", random_tensor(DType::Float16, {2, 1, 2, 3, 2}, random)});
  tensors.push_back({"big", random_tensor(DType::UInt8, {70001}, random)});  // BININT numel
  tensors.push_back({"mid", random_tensor(DType::Int8, {300}, random)});     // BININT2 numel
  tensors.push_back({"encoder.layers.0.self_attn.in_proj_weight \xc3\xbc",
                     random_tensor(DType::Float32, {2}, random)});
  return tensors;
}

TEST(TorchPtWriter, TorchLoadsEveryDtypeBitExactlyAndPicklesLikeTorch) {
  ScratchDir dir;
  auto tensors = every_dtype_and_shape();
  ASSERT_EQ(write_pt(dir.file("model.pt"), tensors), "");
  std::string skip;
  auto report = torch_check(
      dir, fmt::format("load {} {}", dir.file("model.pt"), dir.file("report.json")), skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(report);
  expect_loaded_as_written(*report, tensors);
  // Strides are those of contiguous tensors, with torch's rule for size-0 axes.
  EXPECT_EQ((*report)["tensors"][12]["stride"], nlohmann::json::array({3, 3, 1}));
  EXPECT_EQ((*report)["tensors"][13]["stride"], nlohmann::json::array({12, 4, 2, 1}));
}

TEST(TorchPtWriter, ManyTensorsCrossPickleBatchAndMemoLimits) {
  ScratchDir dir;
  std::mt19937 random(3);
  std::vector<Named> tensors;
  for (int i = 0; i < 1001; ++i)  // 1000 per SETITEMS batch, then a lone SETITEM; memo ids > 255
    tensors.push_back({fmt::format("blocks.{}.w", i),
                       random_tensor(i % 2 ? DType::Float32 : DType::Int64, {2}, random)});
  ASSERT_EQ(write_pt(dir.file("many.pt"), tensors), "");
  std::string skip;
  auto report = torch_check(
      dir, fmt::format("load {} {}", dir.file("many.pt"), dir.file("report.json")), skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(report);
  expect_loaded_as_written(*report, tensors);
}

TEST(TorchPtWriter, LoadStateDictIntoAModuleWithoutMetadata) {
  ScratchDir dir;
  std::mt19937 random(5);
  Tensor batches{DType::Int64, {}, std::vector<std::byte>(8, std::byte{0})};
  batches.bytes[0] = std::byte{17};
  std::vector<Named> tensors = {{"0.weight", random_tensor(DType::Float32, {4, 3}, random)},
                                {"0.bias", random_tensor(DType::Float32, {4}, random)},
                                {"1.weight", random_tensor(DType::Float32, {4}, random)},
                                {"1.bias", random_tensor(DType::Float32, {4}, random)},
                                {"1.running_mean", random_tensor(DType::Float32, {4}, random)},
                                {"1.running_var", random_tensor(DType::Float32, {4}, random)},
                                {"1.num_batches_tracked", batches},
                                {"2.weight", random_tensor(DType::Float32, {5, 2}, random)}};
  ASSERT_EQ(write_pt(dir.file("seq.pt"), tensors), "");
  std::string skip;
  auto report = torch_check(
      dir, fmt::format("load {} {} --module", dir.file("seq.pt"), dir.file("report.json")), skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(report);
  EXPECT_TRUE((*report)["module_keys_match"].get<bool>());
  EXPECT_TRUE((*report)["module_bits_equal"].get<bool>());
  EXPECT_TRUE((*report)["module_missing"].empty());
}

TEST(TorchPtWriter, Zip64LayoutLoads) {
  ScratchDir dir;
  auto tensors = every_dtype_and_shape();
  TorchPtWriter::Options options;
  options.zip.force_zip64 = true;  // the layout of >4 GB checkpoints, on a small file
  ASSERT_EQ(write_pt(dir.file("z64.pt"), tensors, options), "");
  std::string skip;
  auto report = torch_check(
      dir, fmt::format("load {} {}", dir.file("z64.pt"), dir.file("report.json")), skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(report);
  expect_loaded_as_written(*report, tensors);
}

TEST(TorchPtWriter, RecordsAreStoredAlignedAndCrcChecked) {
  ScratchDir dir;
  auto tensors = every_dtype_and_shape();
  for (bool zip64 : {false, true}) {
    TorchPtWriter::Options options;
    options.zip.force_zip64 = zip64;
    ASSERT_EQ(write_pt(dir.file("x.pt"), tensors, options), "");
    MappedFile file;
    ASSERT_EQ(file.open(dir.file("x.pt")), "");
    std::string error;
    auto archive = ZipArchive::open(file.bytes(), error);
    ASSERT_TRUE(archive) << error;
    EXPECT_EQ(archive->entries().size(), tensors.size() + 3);
    for (size_t k = 0; k < tensors.size(); ++k) {
      const ZipEntry* entry = archive->find(fmt::format("x/data/{}", k));
      ASSERT_NE(entry, nullptr);
      EXPECT_EQ(entry->method, ZipArchive::kStored);
      auto bytes = archive->stored_bytes(*entry, error);  // verifies the CRC
      ASSERT_TRUE(bytes) << error;
      EXPECT_EQ(static_cast<size_t>(bytes->data() - file.bytes().data()) % 64, 0u) << k;
      EXPECT_EQ(to_hex(*bytes), to_hex(tensors[k].tensor.bytes));
    }
    auto version = archive->stored_bytes(*archive->find("x/version"), error);
    ASSERT_TRUE(version);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(version->data()), version->size()), "3\n");
    ASSERT_NE(archive->find("x/byteorder"), nullptr);
    ASSERT_NE(archive->find("x/data.pkl"), nullptr);
  }
}

TEST(TorchPtWriter, RefusesBadInputAndLeavesNothingBehind) {
  ScratchDir dir;
  Tensor wrong_size{DType::Float32, {2, 2}, std::vector<std::byte>(12)};
  Tensor fine{DType::Float32, {1}, std::vector<std::byte>(4)};
  {
    TorchPtWriter writer(dir.file("bad.pt"));
    EXPECT_EQ(writer.add("a", fine.view()), "");
    EXPECT_NE(writer.add("b", wrong_size.view()).find("needs 16 bytes but has 12"),
              std::string::npos);
    EXPECT_NE(writer.finish(), "");  // the first failure sticks
  }
  {
    TorchPtWriter writer(dir.file("dup.pt"));
    EXPECT_EQ(writer.add("a", fine.view()), "");
    EXPECT_NE(writer.add("a", fine.view()).find("added twice"), std::string::npos);
  }
  {
    TorchPtWriter writer(dir.file("utf8.pt"));
    EXPECT_NE(writer.add("bad\xff", fine.view()).find("not valid UTF-8"), std::string::npos);
    EXPECT_NE(TorchPtWriter(dir.file("utf8.pt")).add("\xc0\xaf", fine.view()), "");  // overlong '/'
    EXPECT_EQ(TorchPtWriter(dir.file("utf8.pt")).add("\xf0\x9f\x98\x80", fine.view()), "");
  }
  {  // abandoned without finish(): as if the conversion failed half-way
    TorchPtWriter writer(dir.file("abandoned.pt"));
    EXPECT_EQ(writer.add("a", fine.view()), "");
  }
  EXPECT_EQ(dir.entry_count(), 0u) << "no destination and no temporary file may remain";
  TorchPtWriter unwritable(dir.file("no/such/dir/x.pt"));
  EXPECT_NE(unwritable.add("a", fine.view()), "");
  EXPECT_NE(unwritable.finish(), "");
}

// A tensor streamed in parts (as conversion appends its pieces) gives the same file, byte for
// byte, as the whole tensor added at once: the CRC-32 patched into the local header after the
// data equals the one computed up front. A stream that stops short fails and leaves nothing.
TEST(TorchPtWriter, StreamedTensorsGiveTheSameFileAsWholeOnes) {
  ScratchDir dir;
  auto tensors = every_dtype_and_shape();
  for (bool zip64 : {false, true}) {
    TorchPtWriter::Options options;
    options.zip.force_zip64 = zip64;
    // The same destination name for both: it names the folder inside the archive.
    bool ok = false;
    ASSERT_EQ(write_pt(dir.file("x.pt"), tensors, options), "");
    const std::string whole = read_file(dir.file("x.pt"), &ok);
    std::filesystem::remove(dir.file("x.pt"));
    {
      TorchPtWriter writer(dir.file("x.pt"), options);
      for (const auto& [name, tensor] : tensors) {
        ASSERT_EQ(writer.begin(name, tensor.dtype, tensor.shape), "");
        const std::span<const std::byte> bytes(tensor.bytes);
        const size_t third = bytes.size() / 3;  // uneven parts, some of them empty
        ASSERT_EQ(writer.append(bytes.first(third)), "");
        ASSERT_EQ(writer.append(bytes.subspan(third, 0)), "");
        ASSERT_EQ(writer.append(bytes.subspan(third)), "");
        ASSERT_EQ(writer.end(), "");
      }
      ASSERT_EQ(writer.finish(), "");
    }
    EXPECT_TRUE(read_file(dir.file("x.pt"), &ok) == whole) << "zip64 " << zip64;
    std::filesystem::remove(dir.file("x.pt"));
  }
  {
    TorchPtWriter writer(dir.file("short.pt"));
    Tensor t{DType::Float32, {4}, std::vector<std::byte>(16)};
    ASSERT_EQ(writer.begin("t", t.dtype, t.shape), "");
    ASSERT_EQ(writer.append(std::span<const std::byte>(t.bytes).first(12)), "");
    EXPECT_NE(writer.end().find("received 12 of its 16 bytes"), std::string::npos);
    EXPECT_NE(writer.finish(), "");
  }
  {
    TorchPtWriter writer(dir.file("long.pt"));
    Tensor t{DType::Float32, {1}, std::vector<std::byte>(8)};
    ASSERT_EQ(writer.begin("t", t.dtype, t.shape), "");
    EXPECT_NE(writer.append(t.bytes).find("more than its 4 bytes"), std::string::npos);
  }
  EXPECT_EQ(dir.entry_count(), 0u) << "a failed stream leaves no file behind";
}

TEST(TorchPtWriter, ArchiveNameFollowsTheFileStem) {
  EXPECT_EQ(TorchPtWriter::archive_name("out/model.pt"), "model");
  EXPECT_EQ(TorchPtWriter::archive_name("resnet-18.v2.pth"), "resnet-18.v2");
  EXPECT_EQ(TorchPtWriter::archive_name("m\xc3\xbc.pt"), "archive");
}

TEST(PickleWriter, IntegersRoundTripThroughPython) {
  ScratchDir dir;
  const int64_t values[] = {0,
                            255,
                            256,
                            65535,
                            65536,
                            -1,
                            -129,
                            std::numeric_limits<int32_t>::min(),
                            2147483647,
                            2147483648,
                            -2147483649LL,
                            1LL << 40,
                            -(1LL << 40),
                            128LL << 24,
                            std::numeric_limits<int64_t>::max(),
                            std::numeric_limits<int64_t>::min()};
  PickleWriter pickle;
  pickle.begin_tuple(std::size(values));
  for (int64_t value : values) pickle.integer(value);
  pickle.end_tuple(std::size(values));
  testing::write_bytes(dir.file("ints.pkl"), pickle.finish());
  std::string skip;
  auto report = torch_check(
      dir, fmt::format("pickle {} {}", dir.file("ints.pkl"), dir.file("report.json")), skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  ASSERT_TRUE(report);
  std::string expected = "(";
  for (size_t i = 0; i < std::size(values); ++i)
    expected += (i ? ", " : "") + std::to_string(values[i]);
  EXPECT_EQ((*report)["repr"], expected + ")");
}

}  // namespace
}  // namespace nnport::weights
