// torch.save-compatible checkpoint writer.
#include "weights/torch_pt_writer.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "weights/pickle_writer.h"

namespace nnport::weights {
namespace {

// torch.<Kind>Storage class that torch 1.13 pickles for each dtype (the legacy typed storage
// names, which every later version still accepts).
std::optional<std::string_view> storage_class(pivot::DType dtype) {
  using pivot::DType;
  static constexpr std::pair<DType, std::string_view> kClasses[] = {
      {DType::Float32, "FloatStorage"}, {DType::Float64, "DoubleStorage"},
      {DType::Float16, "HalfStorage"},  {DType::BFloat16, "BFloat16Storage"},
      {DType::Int64, "LongStorage"},    {DType::Int32, "IntStorage"},
      {DType::Int16, "ShortStorage"},   {DType::Int8, "CharStorage"},
      {DType::UInt8, "ByteStorage"},    {DType::Bool, "BoolStorage"}};
  for (const auto& [kind, name] : kClasses)
    if (kind == dtype) return name;
  return std::nullopt;
}

// Strides of a contiguous tensor as torch computes them: size-0 and size-1 axes count as 1, so
// shape (2, 0, 3) has strides (3, 3, 1).
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t axis = shape.size(); axis-- > 1;)
    strides[axis - 1] = strides[axis] * std::max<int64_t>(shape[axis], 1);
  return strides;
}

void save_int_tuple(PickleWriter& pickle, const std::vector<int64_t>& values) {
  pickle.begin_tuple(values.size());
  for (int64_t value : values) pickle.integer(value);
  pickle.end_tuple(values.size());
}

// Python decodes pickled strings as UTF-8 and fails the whole load on anything else.
bool is_valid_utf8(std::string_view text) {
  static constexpr uint32_t kLeadMask[] = {0x7f, 0x1f, 0x0f, 0x07};
  static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};  // below: overlong form
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t extra = lead < 0x80               ? 0
                         : (lead & 0xe0u) == 0xc0u ? 1
                         : (lead & 0xf0u) == 0xe0u ? 2
                         : (lead & 0xf8u) == 0xf0u ? 3
                                                   : 4;
    if (extra == 4 || text.size() - i <= extra) return false;
    uint32_t code = lead & kLeadMask[extra];
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0u) != 0x80u) return false;
      code = (code << 6) | (next & 0x3fu);
    }
    if (code < kSmallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return false;
    i += extra + 1;
  }
  return true;
}

std::span<const std::byte> text_bytes(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

}  // namespace

std::string TorchPtWriter::archive_name(const std::filesystem::path& destination) {
  std::string stem = destination.stem().string();
  auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  };
  if (stem.empty() || !std::all_of(stem.begin(), stem.end(), plain)) return "archive";
  return stem;
}

TorchPtWriter::TorchPtWriter(const std::filesystem::path& destination, Options options)
    : temporary_(destination), stem_(archive_name(destination)) {
  if (auto error = zip_.open(temporary_.path(), options.zip); !error.empty()) fail(error);
}

std::string TorchPtWriter::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return error_;
}

std::string TorchPtWriter::add(std::string_view name, const TensorView& tensor) {
  if (!error_.empty()) return error_;
  auto count = element_count(tensor.shape, pivot::dtype_size(tensor.dtype));
  if (count && *count * pivot::dtype_size(tensor.dtype) != tensor.bytes.size())
    return fail(fmt::format("tensor '{}' of dtype {} and shape {} needs {} bytes but has {}", name,
                            pivot::dtype_name(tensor.dtype), pivot::shape_to_string(tensor.shape),
                            *count * pivot::dtype_size(tensor.dtype), tensor.bytes.size()));
  if (auto error = begin(name, tensor.dtype, tensor.shape); !error.empty()) return error;
  if (auto error = append(tensor.bytes); !error.empty()) return error;
  return end();
}

std::string TorchPtWriter::begin(std::string_view name, pivot::DType dtype,
                                 const std::vector<int64_t>& shape) {
  if (!error_.empty()) return error_;
  if (finished_) return fail("tensor added after finish()");
  auto count = element_count(shape, pivot::dtype_size(dtype));
  if (!count)
    return fail(
        fmt::format("tensor '{}' has an invalid shape {}", name, pivot::shape_to_string(shape)));
  if (!storage_class(dtype))
    return fail(fmt::format("tensor '{}' has dtype {} which PyTorch checkpoints cannot hold", name,
                            pivot::dtype_name(dtype)));
  if (!is_valid_utf8(name)) return fail("a tensor name is not valid UTF-8");
  if (!names_.emplace(name).second) return fail(fmt::format("tensor '{}' is added twice", name));
  const std::string entry = fmt::format("{}/data/{}", stem_, records_.size());
  if (auto error = zip_.begin(entry, *count * pivot::dtype_size(dtype)); !error.empty())
    return fail(error);
  records_.push_back({std::string(name), dtype, shape});
  return {};
}

std::string TorchPtWriter::append(std::span<const std::byte> bytes) {
  if (!error_.empty()) return error_;
  if (auto error = zip_.append(bytes); !error.empty()) return fail(error);
  return {};
}

std::string TorchPtWriter::end() {
  if (!error_.empty()) return error_;
  if (auto error = zip_.end(); !error.empty()) return fail(error);
  return {};
}

std::string TorchPtWriter::pickle_state_dict() const {
  // CPython pickles an OrderedDict as OrderedDict() followed by its items in batches of 1000
  // (MARK ... SETITEMS, or a lone SETITEM for a batch of one).
  constexpr size_t kBatch = 1000;
  PickleWriter pickle;
  pickle.global("collections", "OrderedDict");
  pickle.end_tuple(0);
  pickle.reduce();
  std::optional<PickleWriter::MemoId> storage_tag;
  std::optional<PickleWriter::MemoId> cpu_tag;
  for (size_t begin = 0; begin < records_.size(); begin += kBatch) {
    const size_t end = std::min(records_.size(), begin + kBatch);
    if (end - begin > 1) pickle.mark();
    for (size_t k = begin; k < end; ++k) {
      const Record& record = records_[k];
      pickle.string(record.name);
      pickle.global("torch._utils", "_rebuild_tensor_v2");
      pickle.begin_tuple(6);
      // Persistent id of the storage; 'storage' and 'cpu' are the same string objects in
      // torch every time, so the pickler refers back to their first occurrence.
      pickle.begin_tuple(5);
      if (storage_tag)
        pickle.get(*storage_tag);
      else
        storage_tag = pickle.string("storage");
      pickle.global("torch", *storage_class(record.dtype));
      pickle.string(std::to_string(k));
      if (cpu_tag)
        pickle.get(*cpu_tag);
      else
        cpu_tag = pickle.string("cpu");
      pickle.integer(static_cast<int64_t>(*element_count(record.shape)));
      pickle.end_tuple(5);
      pickle.persistent_id();
      pickle.integer(0);  // storage offset
      save_int_tuple(pickle, record.shape);
      save_int_tuple(pickle, contiguous_strides(record.shape));
      pickle.boolean(false);                        // requires_grad
      pickle.global("collections", "OrderedDict");  // backward hooks: OrderedDict()
      pickle.end_tuple(0);
      pickle.reduce();
      pickle.end_tuple(6);
      pickle.reduce();
    }
    if (end - begin > 1)
      pickle.set_items();
    else
      pickle.set_item();
  }
  return pickle.finish();
}

std::string TorchPtWriter::finish() {
  if (!error_.empty()) return error_;
  if (finished_) return fail("finish() called twice");
  finished_ = true;
  const std::string data_pkl = pickle_state_dict();
  const std::pair<std::string, std::string_view> records[] = {
      {"data.pkl", data_pkl}, {"version", "3\n"}, {"byteorder", "little"}};
  for (const auto& [name, content] : records)
    if (auto error = zip_.add(stem_ + "/" + name, text_bytes(content)); !error.empty())
      return fail(error);
  if (auto error = zip_.finish(); !error.empty()) return fail(error);
  if (auto error = temporary_.commit(); !error.empty()) return fail(error);
  return {};
}

}  // namespace nnport::weights
