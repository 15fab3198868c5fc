// A Python pickle reader that executes nothing. It runs the pickle stack machine (protocols
// 0-5 opcodes that plain data needs) and builds a tree of values; calls (REDUCE, NEWOBJ, BUILD)
// are interpreted only for a fixed table of globals a PyTorch state_dict uses, each validated
// and turned into data (an OrderedDict becomes a Dict, `_rebuild_tensor_v2` becomes a Tensor).
// Every other global is refused by name, so a pickle built to run `os.system` cannot do more
// than produce an error message.
//
// The input is untrusted: each read is bounds-checked, the memo is a map (a hostile index
// costs nothing), values live in an arena owned by the result (shared or cyclic references
// cannot leak or recurse), and the number of values is capped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pivot/types.h"

namespace nnport::weights::pickle {

// A storage referenced by a persistent id, still unresolved: the caller maps `key` to bytes.
struct StorageRef {
  pivot::DType dtype = pivot::DType::Float32;
  std::string key;
  uint64_t numel = 0;  // elements, as the persistent id declares them
};

struct Value;

// torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, ...), not yet
// resolved to bytes. `storage` is a Value of kind Storage.
struct TensorRef {
  const Value* storage = nullptr;
  int64_t offset = 0;  // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;  // in elements
};

struct Value {
  enum class Kind {
    None,
    Bool,
    Int,
    BigInt,
    Float,
    String,
    Bytes,
    List,
    Tuple,
    Dict,
    Set,
    Global,   // an allowed class or function, not yet called (`text` is "module.name")
    Storage,  // a persistent-id storage
    Tensor,
    Opaque,  // a harmless object we do not model (a numpy scalar, ...); `text` names its type
  };
  Kind kind = Kind::None;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string
      text;  // String (UTF-8), Bytes, BigInt (little-endian two's complement), Global, Opaque
  std::vector<const Value*> items;                             // List, Tuple, Set
  std::vector<std::pair<const Value*, const Value*>> entries;  // Dict, in insertion order
  StorageRef storage;
  TensorRef tensor;
};

std::string_view kind_name(Value::Kind kind);

// Turns a persistent id (the value pickled by Pickler.persistent_id) into a storage, or
// returns nullopt and sets the error.
using PersistentLoader =
    std::function<std::optional<StorageRef>(const Value& pid, std::string& error)>;

struct Limits {
  size_t max_values = 50'000'000;  // arena size; real state_dicts use a few per tensor
  size_t max_rank = 64;            // tensor dimensions
};

// The result of unpickling: the root value and the arena that owns every value.
class Unpickled {
 public:
  const Value* root() const { return root_; }

 private:
  friend class Machine;
  std::deque<Value> arena_;
  const Value* root_ = nullptr;
};

// Unpickles one pickle starting at `bytes[pos]`; on success `pos` is just past its STOP
// opcode (several pickles may follow one another, as in the legacy torch format). Returns
// nullopt and sets `error` (with the byte offset) for malformed input and refused globals.
std::optional<Unpickled> unpickle(std::span<const std::byte> bytes, size_t& pos,
                                  const PersistentLoader& loader, std::string& error,
                                  const Limits& limits = {});

// The storage dtype named by a torch storage class ("FloatStorage", ...), if it is one.
std::optional<pivot::DType> storage_dtype(std::string_view class_name);

}  // namespace nnport::weights::pickle
