// Hostile torch checkpoints: pickles that would run commands, corrupted and truncated zips,
// missing or short storages, huge sizes, deep nesting and memo abuse. Each must be refused
// with a message (and by the CLI with a diagnostic and no output), never crash or hang.
#include <zlib.h>

#include <chrono>
#include <cstring>

#include <gtest/gtest.h>

#include "run_nnport.h"
#include "weights/checkpoint_reader.h"
#include "weights/pickle_machine.h"
#include "weights/zip_archive.h"
#include "weights_fixtures/test_files.h"

namespace nnport::weights {
namespace {

using testing::le64;
using testing::ScratchDir;
using namespace std::string_literals;  // pickles hold NUL bytes

std::string le16(uint32_t value) {
  return {static_cast<char>(value & 0xff), static_cast<char>((value >> 8) & 0xff)};
}
std::string le32(uint32_t value) { return le16(value & 0xffff) + le16(value >> 16); }

// --- a minimal zip writer (stored entries), independent of the reader under test
struct ZipFile {
  std::string name;
  std::string data;
};

std::string zip_stored(const std::vector<ZipFile>& files) {
  std::string out, directory;
  for (const auto& file : files) {
    auto crc = static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(file.data.data()),
                                           static_cast<uInt>(file.data.size())));
    std::string common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc) +
                         le32(static_cast<uint32_t>(file.data.size())) +
                         le32(static_cast<uint32_t>(file.data.size())) +
                         le16(static_cast<uint32_t>(file.name.size()));
    directory += le32(0x02014b50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le16(0) +
                 le32(0) + le32(static_cast<uint32_t>(out.size())) + file.name;
    out += le32(0x04034b50) + common + le16(0) + file.name + file.data;
  }
  std::string end =
      le32(0x06054b50) + le16(0) + le16(0) + le16(static_cast<uint32_t>(files.size())) +
      le16(static_cast<uint32_t>(files.size())) + le32(static_cast<uint32_t>(directory.size())) +
      le32(static_cast<uint32_t>(out.size())) + le16(0);
  return out + directory + end;
}

// --- pickle text, opcode by opcode (protocol 2, as torch.save writes it)
std::string str(const std::string& s) { return "X" + le32(static_cast<uint32_t>(s.size())) + s; }
std::string integer(uint64_t value) {
  return value < (1u << 31) ? "J" + le32(static_cast<uint32_t>(value)) : "\x8a\x08" + le64(value);
}
std::string int_tuple(const std::vector<uint64_t>& values) {
  std::string out = "(";
  for (uint64_t v : values) out += integer(v);
  return out + "t";
}

struct TensorSpec {
  std::string key = "0";
  uint64_t numel = 4;
  std::vector<uint64_t> shape = {2, 2};
  std::vector<uint64_t> stride = {2, 1};
  uint64_t offset = 0;
  std::string storage_type = "FloatStorage";
};

// {"w": _rebuild_tensor_v2(persistent storage, offset, shape, stride, False, OrderedDict())}
std::string state_dict_pickle(const TensorSpec& spec) {
  return std::string("\x80\x02") + "ccollections\nOrderedDict\n)R(" + str("w") +
         "ctorch._utils\n_rebuild_tensor_v2\n" + "((" + str("storage") + "ctorch\n" +
         spec.storage_type + "\n" + str(spec.key) + str("cpu") + integer(spec.numel) + "tQ" +
         integer(spec.offset) + int_tuple(spec.shape) + int_tuple(spec.stride) +
         "\x89"
         "ccollections\nOrderedDict\n)RtRu.";
}

std::string float_bytes(size_t count) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = static_cast<float>(i) + 0.5f;
  return testing::raw(values);
}

std::string checkpoint_zip(const std::string& pickle, const std::string& data,
                           const std::string& key = "0") {
  return zip_stored({{"archive/data.pkl", pickle}, {"archive/data/" + key, data}});
}

std::string read_error(const std::string& bytes) {
  Checkpoint checkpoint;
  return read_checkpoint(std::as_bytes(std::span(bytes.data(), bytes.size())), checkpoint);
}

// The pickle Python writes for `class Evil: __reduce__ = lambda self: (os.system, (command,))`.
std::string os_system_pickle(const std::string& command) {
  return std::string("\x80\x02") + "cposix\nsystem\nq\x00"s + str(command) +
         "q\x01\x85q\x02Rq\x03.";
}

TEST(HostileCheckpoint, ControlCheckpointIsRead) {
  Checkpoint checkpoint;
  std::string bytes = checkpoint_zip(state_dict_pickle({}), float_bytes(4));
  ASSERT_EQ(read_checkpoint(std::as_bytes(std::span(bytes.data(), bytes.size())), checkpoint), "");
  ASSERT_EQ(checkpoint.tensors.count("w"), 1u);
  EXPECT_EQ(checkpoint.tensors.at("w").shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(checkpoint.tensors.at("w").bytes.size(), 16u);
}

TEST(HostileCheckpoint, OsSystemIsRefusedByNameAndNotRun) {
  ScratchDir dir;
  const std::string marker = dir.file("pwned");
  const std::string command = "touch " + marker;
  std::string zip_error = read_error(checkpoint_zip(os_system_pickle(command), ""));
  EXPECT_NE(zip_error.find("'posix.system'"), std::string::npos) << zip_error;
  // The legacy format: magic, protocol version, sys_info, then the object.
  std::string legacy =
      std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) +
      "\x80\x02M\xe9\x03." + "\x80\x02}(" + str("little_endian") + "\x88u." +
      os_system_pickle(command);
  std::string legacy_error = read_error(legacy);
  EXPECT_NE(legacy_error.find("'posix.system'"), std::string::npos) << legacy_error;
  // Protocol 4 names globals with STACK_GLOBAL.
  std::string stack_global = std::string("\x80\x04") +
                             "\x8c\x08"
                             "builtins"
                             "\x8c\x04"
                             "eval"
                             "\x93" +
                             str("1") + "\x85R.";
  std::string eval_error = read_error(checkpoint_zip(stack_global, ""));
  EXPECT_NE(eval_error.find("'builtins.eval'"), std::string::npos) << eval_error;
  EXPECT_FALSE(std::filesystem::exists(marker));

  // The CLI reports it as a diagnostic, writes nothing, and still runs nothing.
  testing::write_bytes(dir.file("evil.pt"), checkpoint_zip(os_system_pickle(command), ""));
  auto out = dir.path() / "out";
  auto result = nnport::testing::run_nnport(
      {"migrate", std::string(NNPORT_SOURCE_DIR) + "/examples/cifar_cnn.py", "--to", "keras",
       "--input-shape", "N,3,32,32", "--weights", dir.file("evil.pt"), "-o", out.string()},
      dir.path() / "run");
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_NE(result.err.find("posix.system"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("[weights-unreadable]"), std::string::npos) << result.err;
  EXPECT_TRUE(!std::filesystem::exists(out) || std::filesystem::is_empty(out));
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(HostileCheckpoint, OtherGlobalsAreRefusedByName) {
  for (const char* global :
       {"__main__\nNet", "subprocess\nPopen", "torch\nload", "torch.storage\n_load_from_bytes"}) {
    std::string pickle = std::string("\x80\x02") + "c" + global + "\n)R.";
    std::string error = read_error(checkpoint_zip(pickle, ""));
    std::string dotted = global;
    dotted[dotted.find('\n')] = '.';
    EXPECT_NE(error.find("'" + dotted + "'"), std::string::npos) << error;
  }
}

TEST(HostileCheckpoint, EveryTruncationAndByteFlipIsHandled) {
  const std::string good = checkpoint_zip(state_dict_pickle({}), float_bytes(4));
  for (size_t size = 0; size < good.size(); ++size)
    EXPECT_NE(read_error(good.substr(0, size)), "") << "truncated to " << size;
  const std::string pickle = state_dict_pickle({});
  const size_t pickle_at = good.find(pickle);
  const size_t data_at = good.find(float_bytes(4));
  ASSERT_NE(pickle_at, std::string::npos);
  ASSERT_NE(data_at, std::string::npos);
  size_t refused = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    bool failed = !read_error(bad).empty();  // no crash either way (sanitizers watch)
    refused += failed ? 1 : 0;
    // Every change to the pickle or the tensor data is caught (CRC-32).
    if ((i >= pickle_at && i < pickle_at + pickle.size()) || (i >= data_at && i < data_at + 16)) {
      EXPECT_TRUE(failed) << "flipped byte " << i;
    }
  }
  // Besides those, only fields no reader needs (local headers, versions, times) may change.
  EXPECT_GT(refused, good.size() * 2 / 3);
}

TEST(HostileCheckpoint, MissingShortOrOverrunStorageIsRefused) {
  std::string missing =
      read_error(checkpoint_zip(state_dict_pickle({.key = "7"}), float_bytes(4), "0"));
  EXPECT_NE(missing.find("storage '7' is missing"), std::string::npos) << missing;
  std::string short_storage = read_error(checkpoint_zip(state_dict_pickle({}), float_bytes(3)));
  EXPECT_NE(short_storage.find("holds 12 bytes"), std::string::npos) << short_storage;
  std::string overrun = read_error(
      checkpoint_zip(state_dict_pickle({.shape = {3, 3}, .stride = {3, 1}}), float_bytes(4)));
  EXPECT_NE(overrun.find("beyond its storage"), std::string::npos) << overrun;
  std::string offset = read_error(checkpoint_zip(state_dict_pickle({.offset = 1}), float_bytes(4)));
  EXPECT_NE(offset.find("beyond its storage"), std::string::npos) << offset;
  std::string rank = read_error(
      checkpoint_zip(state_dict_pickle({.shape = {4}, .stride = {1, 1}}), float_bytes(4)));
  EXPECT_NE(rank.find("stride has 2"), std::string::npos) << rank;
}

TEST(HostileCheckpoint, HugeClaimedSizesAreRefusedWithoutAllocating) {
  std::string numel =
      read_error(checkpoint_zip(state_dict_pickle({.numel = 1ull << 62}), float_bytes(4)));
  EXPECT_NE(numel.find("holds 16 bytes"), std::string::npos) << numel;
  std::string shape = read_error(checkpoint_zip(
      state_dict_pickle({.shape = {1ull << 40, 1ull << 40}, .stride = {0, 0}}), float_bytes(4)));
  EXPECT_NE(shape.find("overflows"), std::string::npos) << shape;
  // A broadcast view (stride 0) of a billion elements would have to be copied.
  std::string broadcast = read_error(
      checkpoint_zip(state_dict_pickle({.shape = {1ull << 30}, .stride = {0}}), float_bytes(4)));
  EXPECT_NE(broadcast.find("strided view"), std::string::npos) << broadcast;
  // Strings whose declared length exceeds the file.
  std::string text =
      read_error(checkpoint_zip(std::string("\x80\x02\x8d") + le64(1ull << 62) + "x.", ""));
  EXPECT_NE(text.find("truncated"), std::string::npos) << text;
  std::string big_long =
      read_error(checkpoint_zip(std::string("\x80\x02\x8b") + le32(0xffffffffu) + ".", ""));
  EXPECT_NE(big_long.find("truncated"), std::string::npos) << big_long;

  // A deflated entry claiming far more than deflate can produce from its bytes.
  std::string zip = checkpoint_zip(state_dict_pickle({}), float_bytes(4));
  size_t central = zip.find(std::string("\x50\x4b\x01\x02", 4));
  ASSERT_NE(central, std::string::npos);
  zip.replace(central + 10, 2, le16(8));            // method: deflated
  zip.replace(central + 24, 4, le32(0xfffffff0u));  // uncompressed size
  std::string error;
  auto archive = ZipArchive::open(std::as_bytes(std::span(zip.data(), zip.size())), error);
  ASSERT_TRUE(archive) << error;
  EXPECT_FALSE(archive->extract(*archive->find("archive/data.pkl"), error));
  EXPECT_NE(error.find("more than deflate can encode"), std::string::npos) << error;
}

TEST(HostileCheckpoint, BigEndianCheckpointsAreRefused) {
  std::string zip = zip_stored({{"archive/data.pkl", state_dict_pickle({})},
                                {"archive/data/0", float_bytes(4)},
                                {"archive/byteorder", "big"}});
  EXPECT_NE(read_error(zip).find("big-endian"), std::string::npos);
  std::string legacy =
      std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) +
      "\x80\x02M\xe9\x03." + "\x80\x02}(" + str("little_endian") + "\x89u.";
  EXPECT_NE(read_error(legacy).find("big-endian"), std::string::npos);
}

TEST(HostileCheckpoint, DeepNestingAndMemoAbuseFinishQuickly) {
  const auto start = std::chrono::steady_clock::now();
  // A million nested lists: the machine does not recurse and the state_dict search is bounded.
  const size_t depth = 1'000'000;
  std::string deep = "\x80\x02" + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
  EXPECT_NE(read_error(checkpoint_zip(deep, "")).find("no dict of tensors"), std::string::npos);
  // A million MARKs without their closing opcodes.
  EXPECT_NE(read_error(checkpoint_zip("\x80\x02" + std::string(depth, '(') + ".", "")), "");
  // Memo reads before writes, sparse huge memo indices, a self-containing list.
  EXPECT_NE(read_error(checkpoint_zip("\x80\x02h\x05.", "")).find("memo entry 5"),
            std::string::npos);
  EXPECT_NE(read_error(checkpoint_zip("\x80\x02]r\xff\xff\xff\xffj\xff\xff\xff\xff.", "")), "");
  EXPECT_NE(read_error(checkpoint_zip("\x80\x02]q\x00h\x00"
                                      "a."s,
                                      ""))
                .find("no dict of tensors"),
            std::string::npos);
  std::string cycle = "\x80\x02}q\x00"s + str("self") + "h\x00s."s;
  EXPECT_NE(read_error(checkpoint_zip(cycle, "")).find("no dict of tensors"), std::string::npos);
  // "Billion laughs": each list holds the previous one twice; 2^60 paths, 60 values.
  std::string laughs = "\x80\x02]q\x00"s;
  for (int level = 1; level <= 60; ++level) {
    laughs += "](h" + std::string(1, static_cast<char>(level - 1)) + "h" +
              std::string(1, static_cast<char>(level - 1)) + "eq" +
              std::string(1, static_cast<char>(level));
  }
  laughs += ".";
  EXPECT_NE(read_error(checkpoint_zip(laughs, "")).find("no dict of tensors"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(HostileCheckpoint, PickleMachineRefusesBadOpcodesAndCalls) {
  auto run = [](const std::string& text) {
    std::string error;
    size_t pos = 0;
    auto result =
        pickle::unpickle(std::as_bytes(std::span(text.data(), text.size())), pos, nullptr, error);
    return result ? std::string() : error;
  };
  EXPECT_NE(run("\x80\x02"
                "cnumpy\ndtype\n"
                "N"
                "a."),
            "");  // APPEND on a global
  EXPECT_NE(run("\x80\x09N.").find("protocol 9"), std::string::npos);
  EXPECT_NE(run("\x80\x02"
                "i__main__\nEvil\n.")
                .find("opcode 0x69"),
            std::string::npos);  // INST
  EXPECT_NE(run("\x80\x02"
                "ctorch\nFloatStorage\n)R.")
                .find("cannot be constructed"),
            std::string::npos);
  EXPECT_NE(run("\x80\x02N)R.").find("call of a None"), std::string::npos);
  EXPECT_NE(run("\x80\x02(J\x01\x00\x00\x00Q."s).find("persistent id"), std::string::npos);
  EXPECT_NE(run("\x80\x02").find("without a STOP"), std::string::npos);
  EXPECT_EQ(run("\x80\x02"
                "ccollections\nOrderedDict\n)R}b."),
            "");  // OrderedDict with _metadata state
}

TEST(HostileCheckpoint, WholeModulePicklesAreExplained) {
  std::string legacy =
      std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.", 15) +
      "\x80\x02M\xe9\x03." + "\x80\x02}(" + str("little_endian") + "\x88u." + "\x80\x02(" +
      str("module") + "NNNNtQ.";
  EXPECT_NE(read_error(legacy).find("model.state_dict()"), std::string::npos);
}

}  // namespace
}  // namespace nnport::weights
