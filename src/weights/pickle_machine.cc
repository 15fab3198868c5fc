// The non-executing pickle stack machine. Opcode meanings follow CPython's Lib/pickletools.py;
// only the calls in kGlobals are interpreted, as data constructors.
#include "weights/pickle_machine.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

namespace nnport::weights::pickle {
namespace {

using Kind = Value::Kind;

// What a call of an allowed global produces.
enum class Callable {
  OrderedDict,        // collections.OrderedDict(): an empty (or listed) dict
  RebuildTensor,      // torch._utils._rebuild_tensor(storage, offset, size, stride)
  RebuildTensorV2,    // ... plus requires_grad, backward_hooks[, metadata]
  RebuildParameter,   // torch._utils._rebuild_parameter(tensor, requires_grad, hooks[, state])
  RebuildFromTypeV2,  // torch._tensor._rebuild_from_type_v2(func, type, args, state)
  TorchSize,          // torch.Size(tuple)
  TensorType,  // torch.Tensor / Parameter: only as the type argument of _rebuild_from_type_v2
  Storage,     // torch.FloatStorage, ...: only inside persistent ids
  Opaque,      // harmless data constructors (numpy scalars and dtypes) kept as opaque values
};

struct AllowedGlobal {
  std::string_view name;  // "module.name"
  Callable callable;
};

// Every global a pickle may name. Each entry only builds data here; none runs code.
constexpr AllowedGlobal kGlobals[] = {
    {"collections.OrderedDict", Callable::OrderedDict},
    {"torch._utils._rebuild_tensor", Callable::RebuildTensor},
    {"torch._utils._rebuild_tensor_v2", Callable::RebuildTensorV2},
    {"torch._utils._rebuild_parameter", Callable::RebuildParameter},
    {"torch._utils._rebuild_parameter_with_state", Callable::RebuildParameter},
    {"torch._tensor._rebuild_from_type_v2", Callable::RebuildFromTypeV2},
    {"torch.Size", Callable::TorchSize},
    {"torch.Tensor", Callable::TensorType},
    {"torch._tensor.Tensor", Callable::TensorType},
    {"torch.nn.parameter.Parameter", Callable::TensorType},
    {"torch.FloatStorage", Callable::Storage},
    {"torch.HalfStorage", Callable::Storage},
    {"torch.BFloat16Storage", Callable::Storage},
    {"torch.DoubleStorage", Callable::Storage},
    {"torch.LongStorage", Callable::Storage},
    {"torch.IntStorage", Callable::Storage},
    {"torch.ShortStorage", Callable::Storage},
    {"torch.CharStorage", Callable::Storage},
    {"torch.ByteStorage", Callable::Storage},
    {"torch.BoolStorage", Callable::Storage},
    // Training scripts often save metrics as numpy scalars next to the state_dict; these
    // constructors only rebuild a number or a dtype from bytes.
    {"numpy.core.multiarray.scalar", Callable::Opaque},
    {"numpy.dtype", Callable::Opaque},
};

constexpr std::pair<std::string_view, pivot::DType> kStorageDTypes[] = {
    {"FloatStorage", pivot::DType::Float32},     {"HalfStorage", pivot::DType::Float16},
    {"BFloat16Storage", pivot::DType::BFloat16}, {"DoubleStorage", pivot::DType::Float64},
    {"LongStorage", pivot::DType::Int64},        {"IntStorage", pivot::DType::Int32},
    {"ShortStorage", pivot::DType::Int16},       {"CharStorage", pivot::DType::Int8},
    {"ByteStorage", pivot::DType::UInt8},        {"BoolStorage", pivot::DType::Bool},
};

std::optional<Callable> lookup_global(std::string_view name) {
  for (const auto& entry : kGlobals)
    if (entry.name == name) return entry.callable;
  return std::nullopt;
}

constexpr std::string_view kKindNames[] = {"None", "bool",   "int",     "int",    "float",
                                           "str",  "bytes",  "list",    "tuple",  "dict",
                                           "set",  "global", "storage", "tensor", "object"};

}  // namespace

std::string_view kind_name(Value::Kind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::optional<pivot::DType> storage_dtype(std::string_view class_name) {
  for (const auto& [name, dtype] : kStorageDTypes)
    if (name == class_name) return dtype;
  return std::nullopt;
}

class Machine {
 public:
  Machine(std::span<const std::byte> bytes, size_t pos, const PersistentLoader& loader,
          const Limits& limits)
      : bytes_(bytes), pos_(pos), loader_(loader), limits_(limits) {}

  std::optional<Unpickled> run(size_t& end, std::string& error) {
    while (!failed_) {
      if (pos_ >= bytes_.size()) {
        fail("pickle ends without a STOP opcode (truncated file)");
        break;
      }
      op_pos_ = pos_;
      auto op = static_cast<char>(std::to_integer<uint8_t>(bytes_[pos_++]));
      if (op == '.') {  // STOP
        Value* root = pop();
        if (failed_) break;
        result_.root_ = root;
        end = pos_;
        return std::move(result_);
      }
      step(op);
    }
    error = std::move(error_);
    return std::nullopt;
  }

 private:
  // --- failure and input
  void fail(std::string message) {
    if (failed_) return;
    failed_ = true;
    error_ = fmt::format("pickle byte {}: {}", op_pos_, message);
  }

  std::optional<std::span<const std::byte>> take(uint64_t count) {
    if (count > bytes_.size() - pos_) {
      fail(fmt::format("needs {} bytes but only {} remain (truncated file)", count,
                       bytes_.size() - pos_));
      return std::nullopt;
    }
    auto out = bytes_.subspan(pos_, static_cast<size_t>(count));
    pos_ += static_cast<size_t>(count);
    return out;
  }
  std::optional<uint64_t> take_le(size_t count) {
    auto raw = take(count);
    if (!raw) return std::nullopt;
    uint64_t value = 0;
    for (size_t i = 0; i < count; ++i)
      value |= static_cast<uint64_t>(std::to_integer<uint8_t>((*raw)[i])) << (8 * i);
    return value;
  }
  // A protocol-0 text argument, up to (not including) the newline.
  std::optional<std::string_view> take_line() {
    const auto* begin = reinterpret_cast<const char*>(bytes_.data()) + pos_;
    const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', bytes_.size() - pos_));
    if (newline == nullptr) {
      fail("text argument without a newline (truncated file)");
      return std::nullopt;
    }
    pos_ += static_cast<size_t>(newline - begin) + 1;
    return std::string_view(begin, static_cast<size_t>(newline - begin));
  }
  std::optional<int64_t> parse_decimal(std::string_view text) {
    if (!text.empty() && (text.back() == 'L')) text.remove_suffix(1);  // protocol-0 longs
    int64_t value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      fail(fmt::format("malformed integer '{}'", text.substr(0, 40)));
      return std::nullopt;
    }
    return value;
  }

  // --- values and stack
  Value* make(Kind kind) {
    if (result_.arena_.size() >= limits_.max_values) {
      fail(fmt::format("more than {} values", limits_.max_values));
      return nullptr;
    }
    Value& value = result_.arena_.emplace_back();
    value.kind = kind;
    return &value;
  }
  void push(Value* value) {
    if (value != nullptr) stack_.push_back(value);
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  Value* pop() {
    if (stack_.size() <= floor()) {
      fail("stack underflow (malformed pickle)");
      return nullptr;
    }
    Value* value = stack_.back();
    stack_.pop_back();
    return value;
  }
  Value* top() {
    if (stack_.size() <= floor()) {
      fail("stack underflow (malformed pickle)");
      return nullptr;
    }
    return stack_.back();
  }
  // Pops everything above the innermost MARK, and the mark.
  std::optional<std::vector<Value*>> pop_mark() {
    if (marks_.empty()) {
      fail("no MARK on the stack (malformed pickle)");
      return std::nullopt;
    }
    std::vector<Value*> items(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()),
                              stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }
  void push_int(int64_t number) {
    if (Value* value = make(Kind::Int)) {
      value->integer = number;
      push(value);
    }
  }
  void push_text(Kind kind, std::optional<std::span<const std::byte>> raw) {
    if (!raw) return;
    if (Value* value = make(kind)) {
      value->text.assign(reinterpret_cast<const char*>(raw->data()), raw->size());
      push(value);
    }
  }
  void push_sized_text(Kind kind, size_t length_bytes) {
    if (auto length = take_le(length_bytes)) push_text(kind, take(*length));
  }
  // LONG1/LONG4: little-endian two's complement of any length.
  void push_long(std::span<const std::byte> raw) {
    if (raw.size() > 8) {
      push_text(Kind::BigInt, raw);
      return;
    }
    uint64_t bits = 0;
    for (size_t i = 0; i < raw.size(); ++i)
      bits |= static_cast<uint64_t>(std::to_integer<uint8_t>(raw[i])) << (8 * i);
    if (!raw.empty() && raw.size() < 8 && (std::to_integer<uint8_t>(raw.back()) & 0x80u) != 0)
      bits |= ~uint64_t{0} << (8 * raw.size());  // sign-extend
    push_int(static_cast<int64_t>(bits));
  }
  void push_container(Kind kind, const std::vector<Value*>& items) {
    Value* value = make(kind);
    if (value == nullptr) return;
    value->items.assign(items.begin(), items.end());
    push(value);
  }
  void memo_put(uint64_t index) {
    if (Value* value = top()) memo_[index] = value;
  }
  void memo_get(uint64_t index) {
    auto it = memo_.find(index);
    if (it == memo_.end()) {
      fail(fmt::format("memo entry {} is read before it is written", index));
      return;
    }
    push(it->second);
  }
  void push_global(std::string module, std::string_view name) {
    std::string full = module + "." + std::string(name);
    if (!lookup_global(full)) {
      fail(fmt::format(
          "refused global '{}': only the data types of a state_dict may be loaded, and nothing is "
          "executed",
          full));
      return;
    }
    if (Value* value = make(Kind::Global)) {
      value->text = std::move(full);
      push(value);
    }
  }

  // --- opcodes
  void step(char op) {
    switch (op) {
      case '\x80': {  // PROTO
        auto version = take_le(1);
        if (version && *version > 5) fail(fmt::format("unsupported pickle protocol {}", *version));
        return;
      }
      case '\x95': (void)take_le(8); return;  // FRAME: a framing hint only
      case 'N': push(make(Kind::None)); return;
      case '\x88':
      case '\x89':
        if (Value* value = make(Kind::Bool)) {
          value->boolean = op == '\x88';
          push(value);
        }
        return;
      case 'J':
        if (auto raw = take_le(4)) push_int(static_cast<int32_t>(static_cast<uint32_t>(*raw)));
        return;
      case 'K':
        if (auto raw = take_le(1)) push_int(static_cast<int64_t>(*raw));
        return;
      case 'M':
        if (auto raw = take_le(2)) push_int(static_cast<int64_t>(*raw));
        return;
      case '\x8a':
        if (auto size = take_le(1)) {
          if (auto raw = take(*size)) push_long(*raw);
        }
        return;
      case '\x8b':
        if (auto size = take_le(4)) {
          if (auto raw = take(*size)) push_long(*raw);
        }
        return;
      case 'I':
      case 'L':
        if (auto line = take_line()) {
          if (op == 'I' && (*line == "00" || *line == "01")) {  // protocol-0 booleans
            if (Value* value = make(Kind::Bool)) {
              value->boolean = *line == "01";
              push(value);
            }
          } else if (auto number = parse_decimal(*line)) {
            push_int(*number);
          }
        }
        return;
      case 'G':
        if (auto raw = take(8)) {
          uint64_t bits = 0;
          for (size_t i = 0; i < 8; ++i)
            bits = (bits << 8) | std::to_integer<uint8_t>((*raw)[i]);  // big-endian
          if (Value* value = make(Kind::Float)) {
            value->real = std::bit_cast<double>(bits);
            push(value);
          }
        }
        return;
      case 'F':
        if (auto line = take_line()) {
          double number = 0;
          auto [ptr, ec] = std::from_chars(line->data(), line->data() + line->size(), number);
          if (ec != std::errc() || ptr != line->data() + line->size()) {
            fail("malformed float");
            return;
          }
          if (Value* value = make(Kind::Float)) {
            value->real = number;
            push(value);
          }
        }
        return;
      case 'X': push_sized_text(Kind::String, 4); return;
      case '\x8c': push_sized_text(Kind::String, 1); return;
      case '\x8d': push_sized_text(Kind::String, 8); return;
      case 'T': push_sized_text(Kind::Bytes, 4); return;
      case 'U': push_sized_text(Kind::Bytes, 1); return;
      case 'B': push_sized_text(Kind::Bytes, 4); return;
      case 'C': push_sized_text(Kind::Bytes, 1); return;
      case '\x8e': push_sized_text(Kind::Bytes, 8); return;
      case '\x96': push_sized_text(Kind::Bytes, 8); return;  // BYTEARRAY8

      case '}': push(make(Kind::Dict)); return;
      case ']': push(make(Kind::List)); return;
      case ')': push(make(Kind::Tuple)); return;
      case '\x8f': push(make(Kind::Set)); return;
      case '(': marks_.push_back(stack_.size()); return;
      case '\x85':
      case '\x86':
      case '\x87': {
        size_t count = static_cast<size_t>(op - '\x85') + 1;
        std::vector<Value*> items(count);
        for (size_t i = count; i-- > 0;) items[i] = pop();
        if (!failed_) push_container(Kind::Tuple, items);
        return;
      }
      case 't':
      case 'l':
      case '\x91':  // FROZENSET
        if (auto items = pop_mark())
          push_container(op == 't' ? Kind::Tuple : op == 'l' ? Kind::List : Kind::Set, *items);
        return;
      case 'd':
        if (auto items = pop_mark()) {
          Value* dict = make(Kind::Dict);
          if (dict == nullptr) return;
          if (!add_pairs(*dict, *items)) return;
          push(dict);
        }
        return;
      case 'a': {
        Value* item = pop();
        Value* list = top();
        if (!failed_ && expect(list, Kind::List, "APPEND")) list->items.push_back(item);
        return;
      }
      case 'e':
        if (auto items = pop_mark()) {
          Value* list = top();
          if (!failed_ && expect(list, Kind::List, "APPENDS"))
            list->items.insert(list->items.end(), items->begin(), items->end());
        }
        return;
      case '\x90':  // ADDITEMS
        if (auto items = pop_mark()) {
          Value* set = top();
          if (!failed_ && expect(set, Kind::Set, "ADDITEMS"))
            set->items.insert(set->items.end(), items->begin(), items->end());
        }
        return;
      case 's': {
        Value* value = pop();
        Value* key = pop();
        Value* dict = top();
        if (!failed_ && expect(dict, Kind::Dict, "SETITEM")) dict->entries.emplace_back(key, value);
        return;
      }
      case 'u':
        if (auto items = pop_mark()) {
          Value* dict = top();
          if (!failed_ && expect(dict, Kind::Dict, "SETITEMS")) add_pairs(*dict, *items);
        }
        return;
      case '0': (void)pop(); return;
      case '1': (void)pop_mark(); return;
      case '2': push(top()); return;

      case 'p':
        if (auto line = take_line()) {
          if (auto index = parse_decimal(*line)) memo_put(static_cast<uint64_t>(*index));
        }
        return;
      case 'q':
        if (auto index = take_le(1)) memo_put(*index);
        return;
      case 'r':
        if (auto index = take_le(4)) memo_put(*index);
        return;
      case '\x94': memo_put(memo_.size()); return;  // MEMOIZE
      case 'g':
        if (auto line = take_line()) {
          if (auto index = parse_decimal(*line)) memo_get(static_cast<uint64_t>(*index));
        }
        return;
      case 'h':
        if (auto index = take_le(1)) memo_get(*index);
        return;
      case 'j':
        if (auto index = take_le(4)) memo_get(*index);
        return;

      case 'c':
        if (auto module = take_line()) {
          if (auto name = take_line()) push_global(std::string(*module), *name);
        }
        return;
      case '\x93': {  // STACK_GLOBAL
        Value* name = pop();
        Value* module = pop();
        if (failed_) return;
        if (module->kind != Kind::String || name->kind != Kind::String) {
          fail("STACK_GLOBAL needs two strings");
          return;
        }
        push_global(module->text, name->text);
        return;
      }
      case 'R': {  // REDUCE
        Value* args = pop();
        Value* callable = pop();
        if (!failed_) push(call(*callable, *args));
        return;
      }
      case '\x81': {  // NEWOBJ: cls.__new__(cls, *args), same data for our constructors
        Value* args = pop();
        Value* cls = pop();
        if (!failed_) push(call(*cls, *args));
        return;
      }
      case '\x92': {  // NEWOBJ_EX
        Value* kwargs = pop();
        Value* args = pop();
        Value* cls = pop();
        if (failed_) return;
        if (kwargs->kind != Kind::Dict || !kwargs->entries.empty()) {
          fail("NEWOBJ_EX with keyword arguments is not supported");
          return;
        }
        push(call(*cls, *args));
        return;
      }
      case 'b': {  // BUILD: obj.__setstate__(state); state only carries metadata we ignore
        (void)pop();
        Value* target = top();
        if (failed_) return;
        if (target->kind != Kind::Dict && target->kind != Kind::Tensor &&
            target->kind != Kind::Opaque)
          fail(fmt::format("BUILD on a {} is not supported", kind_name(target->kind)));
        return;
      }
      case 'Q': {  // BINPERSID
        Value* pid = pop();
        if (!failed_) load_persistent(*pid);
        return;
      }
      case 'P':
        if (auto line = take_line()) {
          Value* pid = make(Kind::String);
          if (pid == nullptr) return;
          pid->text = std::string(*line);
          load_persistent(*pid);
        }
        return;
      default: break;
    }
    fail(fmt::format("unsupported pickle opcode 0x{:02x}",
                     static_cast<unsigned>(static_cast<unsigned char>(op))));
  }

  bool expect(const Value* value, Kind kind, std::string_view op) {
    if (value->kind == kind) return true;
    fail(fmt::format("{} on a {} (expected a {})", op, kind_name(value->kind), kind_name(kind)));
    return false;
  }

  bool add_pairs(Value& dict, const std::vector<Value*>& items) {
    if (items.size() % 2 != 0) {
      fail("odd number of items for a dict");
      return false;
    }
    for (size_t i = 0; i < items.size(); i += 2) dict.entries.emplace_back(items[i], items[i + 1]);
    return true;
  }

  void load_persistent(const Value& pid) {
    if (!loader_) {
      fail("persistent id outside a torch checkpoint");
      return;
    }
    std::string message;
    auto storage = loader_(pid, message);
    if (!storage) {
      fail(message);
      return;
    }
    if (Value* value = make(Kind::Storage)) {
      value->storage = std::move(*storage);
      push(value);
    }
  }

  // --- calls of allowed globals
  Value* call(const Value& callable, const Value& args) {
    if (callable.kind != Kind::Global) {
      fail(fmt::format("call of a {} (only known constructors can be called)",
                       kind_name(callable.kind)));
      return nullptr;
    }
    if (args.kind != Kind::Tuple) {
      fail(fmt::format("call of '{}' with arguments that are not a tuple", callable.text));
      return nullptr;
    }
    const auto& a = args.items;
    switch (*lookup_global(callable.text)) {
      case Callable::OrderedDict: return ordered_dict(a);
      case Callable::RebuildTensor:
      case Callable::RebuildTensorV2: return rebuild_tensor(callable.text, a);
      case Callable::RebuildParameter:
        if (a.size() < 3 || a.size() > 4 || a[0]->kind != Kind::Tensor) {
          fail(fmt::format("'{}' expects (tensor, requires_grad, hooks[, state])", callable.text));
          return nullptr;
        }
        return const_cast<Value*>(a[0]);  // the arena owns it; a parameter is its tensor
      case Callable::RebuildFromTypeV2: return rebuild_from_type(a);
      case Callable::TorchSize:
        if (a.size() != 1 || a[0]->kind != Kind::Tuple) {
          fail("torch.Size expects one tuple");
          return nullptr;
        }
        return const_cast<Value*>(a[0]);
      case Callable::TensorType:
      case Callable::Storage:
        fail(fmt::format("'{}' cannot be constructed in a checkpoint", callable.text));
        return nullptr;
      case Callable::Opaque: {
        Value* value = make(Kind::Opaque);
        if (value != nullptr) value->text = callable.text;
        return value;
      }
    }
    return nullptr;
  }

  Value* ordered_dict(const std::vector<const Value*>& args) {
    Value* dict = make(Kind::Dict);
    if (dict == nullptr || args.empty()) return dict;
    // OrderedDict([(key, value), ...])
    if (args.size() == 1 && args[0]->kind == Kind::List) {
      for (const Value* pair : args[0]->items) {
        if (pair->kind != Kind::Tuple || pair->items.size() != 2) {
          fail("OrderedDict expects (key, value) pairs");
          return nullptr;
        }
        dict->entries.emplace_back(pair->items[0], pair->items[1]);
      }
      return dict;
    }
    fail("OrderedDict called with unsupported arguments");
    return nullptr;
  }

  std::optional<std::vector<int64_t>> int_tuple(const Value& value, std::string_view what) {
    if (value.kind != Kind::Tuple || value.items.size() > limits_.max_rank) {
      fail(fmt::format("tensor {} is not a tuple of at most {} integers", what, limits_.max_rank));
      return std::nullopt;
    }
    std::vector<int64_t> out;
    for (const Value* item : value.items) {
      if (item->kind != Kind::Int || item->integer < 0) {
        fail(fmt::format("tensor {} holds a {} that is not a non-negative integer", what,
                         kind_name(item->kind)));
        return std::nullopt;
      }
      out.push_back(item->integer);
    }
    return out;
  }

  Value* rebuild_tensor(const std::string& name, const std::vector<const Value*>& a) {
    bool v2 = name.ends_with("_v2");
    if (v2 ? (a.size() < 6 || a.size() > 7) : a.size() != 4) {
      fail(fmt::format("'{}' called with {} arguments", name, a.size()));
      return nullptr;
    }
    if (a[0]->kind != Kind::Storage) {
      fail(fmt::format("'{}' expects a storage, got a {}", name, kind_name(a[0]->kind)));
      return nullptr;
    }
    if (a[1]->kind != Kind::Int || a[1]->integer < 0) {
      fail(fmt::format("'{}' expects a non-negative storage offset", name));
      return nullptr;
    }
    auto shape = int_tuple(*a[2], "size");
    auto stride = shape ? int_tuple(*a[3], "stride") : std::nullopt;
    if (!shape || !stride) return nullptr;
    if (stride->size() != shape->size()) {
      fail(fmt::format("tensor size has {} dimensions but stride has {}", shape->size(),
                       stride->size()));
      return nullptr;
    }
    Value* tensor = make(Kind::Tensor);
    if (tensor == nullptr) return nullptr;
    tensor->tensor = {a[0], a[1]->integer, std::move(*shape), std::move(*stride)};
    return tensor;
  }

  Value* rebuild_from_type(const std::vector<const Value*>& a) {
    if (a.size() != 4 || a[0]->kind != Kind::Global || a[1]->kind != Kind::Global ||
        a[2]->kind != Kind::Tuple) {
      fail("'torch._tensor._rebuild_from_type_v2' expects (func, type, args, state)");
      return nullptr;
    }
    if (lookup_global(a[1]->text) != Callable::TensorType) {
      fail(fmt::format("tensors of type '{}' are not supported", a[1]->text));
      return nullptr;
    }
    auto inner = lookup_global(a[0]->text);
    if (inner != Callable::RebuildTensor && inner != Callable::RebuildTensorV2 &&
        inner != Callable::RebuildParameter) {
      fail(fmt::format("'{}' cannot rebuild a tensor", a[0]->text));
      return nullptr;
    }
    return call(*a[0], *a[2]);
  }

  std::span<const std::byte> bytes_;
  size_t pos_;
  size_t op_pos_ = 0;
  const PersistentLoader& loader_;
  const Limits& limits_;
  Unpickled result_;
  std::vector<Value*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Value*> memo_;
  bool failed_ = false;
  std::string error_;
};

std::optional<Unpickled> unpickle(std::span<const std::byte> bytes, size_t& pos,
                                  const PersistentLoader& loader, std::string& error,
                                  const Limits& limits) {
  if (pos > bytes.size()) {
    error = "pickle starts past the end of the data";
    return std::nullopt;
  }
  Machine machine(bytes, pos, loader, limits);
  return machine.run(pos, error);
}

}  // namespace nnport::weights::pickle
