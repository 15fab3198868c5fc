// Writer of Python pickle streams, protocol 2, with exactly the opcodes and memo entries that
// CPython's pickler emits for the same objects. It knows no Python types: callers describe
// objects as the pickler would walk them (global, arguments tuple, REDUCE), which keeps the
// torch.save layout in torch_pt_writer.cc readable and lets tests compare bytes with torch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace nnport::weights {

class PickleWriter {
 public:
  using MemoId = uint32_t;

  PickleWriter();  // starts the stream with PROTO 2

  // GLOBAL "module\nname\n" the first time, then a memo reference, as the pickler memoises
  // classes and functions by identity.
  void global(std::string_view module, std::string_view name);
  // BINUNICODE (UTF-8) followed by its memo entry; the id lets a caller repeat the very same
  // string object with get().
  MemoId string(std::string_view text);
  void get(MemoId id);
  // BININT1 / BININT2 / BININT / LONG1, the smallest that holds the value.
  void integer(int64_t value);
  void boolean(bool value);  // NEWTRUE / NEWFALSE

  // A tuple of `size` items: call begin_tuple, save the items, then end_tuple. Empty tuples
  // are EMPTY_TUPLE, up to 3 items TUPLE1..3, larger ones MARK ... TUPLE; non-empty tuples
  // are memoised.
  void begin_tuple(size_t size);
  void end_tuple(size_t size);

  void reduce();         // REDUCE, result memoised
  void persistent_id();  // BINPERSID: the object on the stack is a persistent id
  void mark();           // MARK
  void set_items();      // SETITEMS (pairs since the last MARK)
  void set_item();       // SETITEM (one pair)
  std::string finish();  // STOP; returns the stream

 private:
  MemoId put();
  void append_u32(uint32_t value);

  std::string out_;
  MemoId next_memo_ = 0;
  std::map<std::pair<std::string, std::string>, MemoId> globals_;
};

}  // namespace nnport::weights
