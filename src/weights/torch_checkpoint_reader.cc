// torch.save checkpoints (zip and legacy formats) -> Checkpoint, without running the pickle.
#include "weights/torch_checkpoint_reader.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "weights/pickle_machine.h"
#include "weights/torch_state_dict.h"
#include "weights/zip_archive.h"

namespace nnport::weights {
namespace {

using pickle::Value;
using Kind = Value::Kind;

// 0x1950a86a20f9469cfc6c, as pickle's LONG1 stores it: little-endian two's complement.
constexpr uint8_t kLegacyMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
constexpr int64_t kLegacyProtocolVersion = 1001;
constexpr uint64_t kMaxPickleBytes = 1ull
                                     << 30;  // data.pkl holds structure only, never tensor data
constexpr size_t kMaxStorageKey = 256;

std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}
std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  uint64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

struct Storage {
  pivot::DType dtype = pivot::DType::Float32;
  uint64_t numel = 0;
  std::optional<std::span<const std::byte>> bytes;  // numel elements once resolved
};

// Storages named by persistent ids, and the budget for tensors that must be copied.
class Storages {
 public:
  Storages(bool legacy, uint64_t copy_budget) : legacy_(legacy), copy_budget_(copy_budget) {}

  // Validates one persistent id: ('storage', torch.<T>Storage, key, location, numel) and, in
  // the legacy format, a trailing view_metadata that must be None.
  std::optional<pickle::StorageRef> load(const Value& pid, std::string& error) {
    const size_t arity = legacy_ ? 6 : 5;
    if (pid.kind == Kind::Tuple && !pid.items.empty() && pid.items[0]->kind == Kind::String &&
        pid.items[0]->text == "module") {
      error =
          "the checkpoint pickles a whole nn.Module (torch.save(model)); save model.state_dict() "
          "instead";
      return std::nullopt;
    }
    if (pid.kind != Kind::Tuple || pid.items.size() != arity ||
        pid.items[0]->kind != Kind::String || pid.items[0]->text != "storage") {
      error = "unsupported persistent id (expected ('storage', type, key, location, numel))";
      return std::nullopt;
    }
    const auto& item = pid.items;
    std::optional<pivot::DType> dtype;
    if (item[1]->kind == Kind::Global && item[1]->text.starts_with("torch."))
      dtype = pickle::storage_dtype(std::string_view(item[1]->text).substr(6));
    if (!dtype) {
      error = fmt::format("unsupported storage type {}",
                          item[1]->kind == Kind::Global ? "'" + item[1]->text + "'" : "value");
      return std::nullopt;
    }
    if (item[2]->kind != Kind::String || item[2]->text.empty() ||
        item[2]->text.size() > kMaxStorageKey || item[3]->kind != Kind::String ||
        item[4]->kind != Kind::Int || item[4]->integer < 0) {
      error = "malformed storage persistent id (key, location or element count)";
      return std::nullopt;
    }
    if (legacy_ && item[5]->kind != Kind::None) {
      error = "storage views (checkpoints of PyTorch < 0.4) are not supported";
      return std::nullopt;
    }
    const std::string& key = item[2]->text;
    auto numel = static_cast<uint64_t>(item[4]->integer);
    auto [it, inserted] = storages_.try_emplace(key, Storage{*dtype, numel, std::nullopt});
    if (!inserted && (it->second.dtype != *dtype || it->second.numel != numel)) {
      error = fmt::format("storage '{}' is referenced with two different types or sizes", key);
      return std::nullopt;
    }
    return pickle::StorageRef{*dtype, key, numel};
  }

  Storage* find(const std::string& key) {
    auto it = storages_.find(key);
    return it == storages_.end() ? nullptr : &it->second;
  }

  // Checks that `bytes` hold the storage's declared elements and records them.
  bool resolve(const std::string& key, Storage& storage, std::span<const std::byte> bytes,
               std::string& error) {
    auto size = checked_mul(storage.numel, pivot::dtype_size(storage.dtype));
    if (!size || *size > bytes.size()) {
      error = fmt::format("storage '{}' holds {} bytes but is declared as {} {} elements", key,
                          bytes.size(), storage.numel, pivot::dtype_name(storage.dtype));
      return false;
    }
    storage.bytes = bytes.first(static_cast<size_t>(*size));
    return true;
  }

  // Element-by-element copy of a strided tensor; bounded so that overlapping strides (a
  // broadcast tensor saved with stride 0) cannot turn a small file into a huge allocation.
  bool spend(uint64_t bytes) {
    if (bytes > copy_budget_) return false;
    copy_budget_ -= bytes;
    return true;
  }

 private:
  bool legacy_;
  uint64_t copy_budget_;
  std::map<std::string, Storage> storages_;
};

bool is_row_major(const pickle::TensorRef& ref) {
  int64_t expected = 1;
  for (size_t axis = ref.shape.size(); axis-- > 0;) {
    if (ref.shape[axis] != 1 && ref.stride[axis] != expected) return false;
    expected *= ref.shape[axis];
  }
  return true;
}

// The bytes of `ref` over its resolved storage: a view when row-major, else a copy.
std::optional<TensorView> tensor_view(const std::string& name, const pickle::TensorRef& ref,
                                      const Storage& storage, Storages& storages, Checkpoint& out,
                                      std::string& error) {
  TensorView view;
  view.dtype = storage.dtype;
  view.shape = ref.shape;
  const size_t element = pivot::dtype_size(storage.dtype);
  auto count = element_count(ref.shape, element);
  if (!count) {
    error = fmt::format("tensor '{}' has a shape {} whose size overflows", name,
                        pivot::shape_to_string(ref.shape));
    return std::nullopt;
  }
  if (*count == 0) return view;
  // The last element reached must lie inside the storage.
  std::optional<uint64_t> last = static_cast<uint64_t>(ref.offset);
  for (size_t axis = 0; axis < ref.shape.size() && last; ++axis) {
    auto step = checked_mul(static_cast<uint64_t>(ref.shape[axis] - 1),
                            static_cast<uint64_t>(ref.stride[axis]));
    last = step ? checked_add(*last, *step) : std::nullopt;
  }
  if (!last || *last >= storage.numel) {
    error = fmt::format(
        "tensor '{}' (offset {}, size {}, stride {}) reaches beyond its storage of {} elements",
        name, ref.offset, pivot::shape_to_string(ref.shape), pivot::shape_to_string(ref.stride),
        storage.numel);
    return std::nullopt;
  }
  const std::span<const std::byte> data = *storage.bytes;
  if (is_row_major(ref)) {
    view.bytes = data.subspan(static_cast<size_t>(ref.offset) * element,
                              static_cast<size_t>(*count) * element);
    return view;
  }
  if (!storages.spend(*count * element)) {
    error = fmt::format(
        "tensor '{}' is a strided view of {} elements, more than the checkpoint can hold", name,
        *count);
    return std::nullopt;
  }
  // Odometer over the row-major index, tracking the strided source element.
  auto& copy = out.buffers.emplace_back(static_cast<size_t>(*count * element));
  const size_t rank = ref.shape.size();
  std::vector<int64_t> index(rank, 0);
  uint64_t source = static_cast<uint64_t>(ref.offset);
  for (uint64_t k = 0; k < *count; ++k) {
    std::memcpy(copy.data() + k * element, data.data() + source * element, element);
    for (size_t axis = rank; axis-- > 0;) {
      source += static_cast<uint64_t>(ref.stride[axis]);
      if (++index[axis] < ref.shape[axis]) break;
      source -= static_cast<uint64_t>(ref.stride[axis]) * static_cast<uint64_t>(index[axis]);
      index[axis] = 0;
    }
  }
  view.bytes = copy;
  return view;
}

// Storage bytes of the zip format: the record `<prefix>data/<key>`, in place when stored.
bool resolve_zip_storage(const ZipArchive& zip, const std::string& prefix, const std::string& key,
                         Storage& storage, Storages& storages, Checkpoint& out,
                         std::string& error) {
  const ZipEntry* entry = zip.find(prefix + "data/" + key);
  if (entry == nullptr) {
    error = fmt::format("storage '{}' is missing from the archive (no record {}data/{})", key,
                        prefix, key);
    return false;
  }
  if (entry->method == ZipArchive::kStored) {
    auto bytes = zip.stored_bytes(*entry, error);
    return bytes && storages.resolve(key, storage, *bytes, error);
  }
  auto bytes = zip.extract(*entry, error);
  if (!bytes) return false;
  out.buffers.push_back(std::move(*bytes));
  return storages.resolve(key, storage, out.buffers.back(), error);
}

// The chosen state_dict's tensors as views; `resolve` supplies storage bytes on first use.
template <typename Resolve>
std::string collect_tensors(const Value& root, std::span<const std::string> expected,
                            Storages& storages, Checkpoint& out, Resolve resolve) {
  std::string error;
  auto state = find_state_dict(root, expected, error);
  if (!state) return error;
  for (const auto& [name, value] : state->tensors) {
    const pickle::TensorRef& ref = value->tensor;
    const std::string& key = ref.storage->storage.key;
    Storage* storage = storages.find(key);
    if (storage == nullptr) return fmt::format("internal: storage '{}' was not recorded", key);
    if (!storage->bytes && !resolve(key, *storage, error)) return error;
    auto view = tensor_view(name, ref, *storage, storages, out, error);
    if (!view) return error;
    out.tensors.emplace(name, std::move(*view));
  }
  out.notes.insert(out.notes.end(), state->notes.begin(), state->notes.end());
  return {};
}

std::string read_zip(std::span<const std::byte> bytes, Checkpoint& out,
                     std::span<const std::string> expected) {
  std::string error;
  auto zip = ZipArchive::open(bytes, error);
  if (!zip) return error;
  const ZipEntry* pickle_entry = nullptr;
  for (const auto& entry : zip->entries()) {
    if (!entry.name.ends_with("/data.pkl") || entry.name.find('/') != entry.name.size() - 9)
      continue;
    if (pickle_entry != nullptr) return "zip archive holds several <name>/data.pkl records";
    pickle_entry = &entry;
  }
  if (pickle_entry == nullptr)
    return "zip archive is not a torch.save checkpoint (it has no <name>/data.pkl record)";
  const std::string prefix =
      pickle_entry->name.substr(0, pickle_entry->name.size() - 8);  // "<name>/"
  if (const ZipEntry* order = zip->find(prefix + "byteorder")) {
    auto text = zip->extract(*order, error, 16);
    if (!text) return error;
    if (std::string_view(reinterpret_cast<const char*>(text->data()), text->size()) != "little")
      return "the checkpoint was saved on a big-endian machine, which is not supported";
  }
  auto pickled = zip->extract(*pickle_entry, error, kMaxPickleBytes);
  if (!pickled) return error;

  Storages storages(false, 2 * bytes.size() + (64ull << 20));
  size_t pos = 0;
  auto object = pickle::unpickle(
      *pickled, pos,
      [&](const Value& pid, std::string& message) { return storages.load(pid, message); }, error);
  if (!object) return prefix + "data.pkl: " + error;
  return collect_tensors(*object->root(), expected, storages, out,
                         [&](const std::string& key, Storage& storage, std::string& message) {
                           return resolve_zip_storage(*zip, prefix, key, storage, storages, out,
                                                      message);
                         });
}

std::string read_legacy(std::span<const std::byte> bytes, Checkpoint& out,
                        std::span<const std::string> expected) {
  std::string error;
  size_t pos = 0;
  auto magic = pickle::unpickle(bytes, pos, nullptr, error);
  if (!magic) return "legacy checkpoint magic number: " + error;
  const Value& number = *magic->root();
  if (number.kind != Kind::BigInt || number.text.size() != sizeof kLegacyMagic ||
      std::memcmp(number.text.data(), kLegacyMagic, sizeof kLegacyMagic) != 0)
    return "not a torch.save checkpoint (wrong legacy magic number)";
  auto version = pickle::unpickle(bytes, pos, nullptr, error);
  if (!version) return "legacy checkpoint protocol version: " + error;
  if (version->root()->kind != Kind::Int || version->root()->integer != kLegacyProtocolVersion)
    return "unsupported legacy checkpoint protocol version";
  auto sys_info = pickle::unpickle(bytes, pos, nullptr, error);
  if (!sys_info) return "legacy checkpoint sys_info: " + error;
  bool little_endian = false;
  if (sys_info->root()->kind == Kind::Dict)
    for (const auto& [key, value] : sys_info->root()->entries)
      if (key->kind == Kind::String && key->text == "little_endian" && value->kind == Kind::Bool)
        little_endian = value->boolean;
  if (!little_endian)
    return "the checkpoint was saved on a big-endian machine, which is not supported";

  Storages storages(true, 2 * bytes.size() + (64ull << 20));
  auto object = pickle::unpickle(
      bytes, pos,
      [&](const Value& pid, std::string& message) { return storages.load(pid, message); }, error);
  if (!object) return error;
  auto keys = pickle::unpickle(bytes, pos, nullptr, error);
  if (!keys) return "legacy checkpoint storage keys: " + error;
  if (keys->root()->kind != Kind::List) return "legacy checkpoint storage keys are not a list";

  // Each storage: element count (8 bytes, little-endian), then the elements.
  for (const Value* key : keys->root()->items) {
    if (key->kind != Kind::String) return "legacy checkpoint storage key is not a string";
    Storage* storage = storages.find(key->text);
    if (storage == nullptr)
      return fmt::format("storage '{}' is listed but never used, its type is unknown", key->text);
    if (storage->bytes) return fmt::format("storage '{}' is listed twice", key->text);
    if (bytes.size() - pos < 8)
      return fmt::format("storage '{}' is missing (truncated file)", key->text);
    uint64_t count = 0;
    for (size_t i = 0; i < 8; ++i)
      count |= static_cast<uint64_t>(std::to_integer<uint8_t>(bytes[pos + i])) << (8 * i);
    pos += 8;
    auto size = checked_mul(count, pivot::dtype_size(storage->dtype));
    if (!size || *size > bytes.size() - pos)
      return fmt::format("storage '{}' of {} elements runs past the end of the file", key->text,
                         count);
    storage->numel = count;  // the file's count is what torch.load uses, not the persistent id's
    storage->bytes = bytes.subspan(pos, static_cast<size_t>(*size));
    pos += static_cast<size_t>(*size);
  }
  return collect_tensors(*object->root(), expected, storages, out,
                         [](const std::string& key, Storage&, std::string& message) {
                           message = fmt::format(
                               "storage '{}' is used by a tensor but missing from the file", key);
                           return false;
                         });
}

}  // namespace

bool is_torch_zip(std::span<const std::byte> bytes) {
  return bytes.size() >= 4 && std::memcmp(bytes.data(), "PK\x03\x04", 4) == 0;
}

bool is_torch_legacy(std::span<const std::byte> bytes) {
  // PROTO n [FRAME ...] LONG1 10 <magic>: look for the LONG1 within the first bytes.
  const size_t window = std::min<size_t>(bytes.size(), 32);
  if (window < 2 || std::to_integer<uint8_t>(bytes[0]) != 0x80) return false;
  for (size_t i = 2; i + 2 + sizeof kLegacyMagic <= window; ++i)
    if (std::to_integer<uint8_t>(bytes[i]) == 0x8a &&
        std::to_integer<uint8_t>(bytes[i + 1]) == sizeof kLegacyMagic &&
        std::memcmp(bytes.data() + i + 2, kLegacyMagic, sizeof kLegacyMagic) == 0)
      return true;
  return false;
}

std::string read_torch_checkpoint(std::span<const std::byte> bytes, Checkpoint& out,
                                  std::span<const std::string> expected_names) {
  if (is_torch_zip(bytes)) return read_zip(bytes, out, expected_names);
  if (is_torch_legacy(bytes)) return read_legacy(bytes, out, expected_names);
  return "not a torch.save checkpoint";
}

}  // namespace nnport::weights
