// Pickle protocol 2 opcodes, emitted as CPython's _pickle.Pickler does.
#include "weights/pickle_writer.h"

namespace nnport::weights {
namespace {

// Opcode bytes (Lib/pickletools.py names).
constexpr char kProto = '\x80';
constexpr char kGlobal = 'c';
constexpr char kBinUnicode = 'X';
constexpr char kBinPut = 'q';
constexpr char kLongBinPut = 'r';
constexpr char kBinGet = 'h';
constexpr char kLongBinGet = 'j';
constexpr char kBinInt1 = 'K';
constexpr char kBinInt2 = 'M';
constexpr char kBinInt = 'J';
constexpr char kLong1 = '\x8a';
constexpr char kNewTrue = '\x88';
constexpr char kNewFalse = '\x89';
constexpr char kEmptyTuple = ')';
constexpr char kTuple1 = '\x85';
constexpr char kTuple2 = '\x86';
constexpr char kTuple3 = '\x87';
constexpr char kTuple = 't';
constexpr char kMark = '(';
constexpr char kReduce = 'R';
constexpr char kBinPersId = 'Q';
constexpr char kSetItems = 'u';
constexpr char kSetItem = 's';
constexpr char kStop = '.';

}  // namespace

PickleWriter::PickleWriter() {
  out_.push_back(kProto);
  out_.push_back('\x02');
}

void PickleWriter::append_u32(uint32_t value) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
}

PickleWriter::MemoId PickleWriter::put() {
  MemoId id = next_memo_++;
  if (id < 256) {
    out_.push_back(kBinPut);
    out_.push_back(static_cast<char>(id));
  } else {
    out_.push_back(kLongBinPut);
    append_u32(id);
  }
  return id;
}

void PickleWriter::get(MemoId id) {
  if (id < 256) {
    out_.push_back(kBinGet);
    out_.push_back(static_cast<char>(id));
  } else {
    out_.push_back(kLongBinGet);
    append_u32(id);
  }
}

void PickleWriter::global(std::string_view module, std::string_view name) {
  auto key = std::make_pair(std::string(module), std::string(name));
  if (auto it = globals_.find(key); it != globals_.end()) {
    get(it->second);
    return;
  }
  out_.push_back(kGlobal);
  out_.append(module);
  out_.push_back('\n');
  out_.append(name);
  out_.push_back('\n');
  globals_.emplace(std::move(key), put());
}

PickleWriter::MemoId PickleWriter::string(std::string_view text) {
  out_.push_back(kBinUnicode);
  append_u32(static_cast<uint32_t>(text.size()));
  out_.append(text);
  return put();
}

void PickleWriter::integer(int64_t value) {
  if (value >= 0 && value <= 0xff) {
    out_.push_back(kBinInt1);
    out_.push_back(static_cast<char>(value));
  } else if (value >= 0 && value <= 0xffff) {
    out_.push_back(kBinInt2);
    out_.push_back(static_cast<char>(value & 0xff));
    out_.push_back(static_cast<char>(value >> 8));
  } else if (value >= INT32_MIN && value <= INT32_MAX) {
    out_.push_back(kBinInt);
    append_u32(static_cast<uint32_t>(value));
  } else {
    // LONG1: minimal little-endian two's complement, as pickle.encode_long.
    std::string bytes;
    uint64_t bits = static_cast<uint64_t>(value);
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xffu));
    while (bytes.size() > 1) {
      const auto last = static_cast<unsigned char>(bytes.back());
      const auto next = static_cast<unsigned char>(bytes[bytes.size() - 2]);
      const bool redundant =
          (last == 0x00 && (next & 0x80u) == 0) || (last == 0xff && (next & 0x80u) != 0);
      if (!redundant) break;
      bytes.pop_back();
    }
    out_.push_back(kLong1);
    out_.push_back(static_cast<char>(bytes.size()));
    out_.append(bytes);
  }
}

void PickleWriter::boolean(bool value) { out_.push_back(value ? kNewTrue : kNewFalse); }

void PickleWriter::begin_tuple(size_t size) {
  if (size > 3) out_.push_back(kMark);
}

void PickleWriter::end_tuple(size_t size) {
  static constexpr char kSmall[] = {kEmptyTuple, kTuple1, kTuple2, kTuple3};
  if (size == 0) {
    out_.push_back(kEmptyTuple);  // the empty tuple is a singleton and never memoised
    return;
  }
  out_.push_back(size <= 3 ? kSmall[size] : kTuple);
  put();
}

void PickleWriter::reduce() {
  out_.push_back(kReduce);
  put();
}

void PickleWriter::persistent_id() { out_.push_back(kBinPersId); }
void PickleWriter::mark() { out_.push_back(kMark); }
void PickleWriter::set_items() { out_.push_back(kSetItems); }
void PickleWriter::set_item() { out_.push_back(kSetItem); }

std::string PickleWriter::finish() {
  out_.push_back(kStop);
  return std::move(out_);
}

}  // namespace nnport::weights
