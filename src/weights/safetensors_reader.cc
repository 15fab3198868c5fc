// Validating `.safetensors` reader over a memory-mapped file.
#include "weights/safetensors_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace nnport::weights {
namespace {

std::optional<pivot::DType> parse_safetensors_dtype(const std::string& name) {
  using pivot::DType;
  static const std::pair<const char*, DType> kNames[] = {
      {"F32", DType::Float32}, {"F16", DType::Float16}, {"BF16", DType::BFloat16},
      {"F64", DType::Float64}, {"I64", DType::Int64},   {"I32", DType::Int32},
      {"I16", DType::Int16},   {"I8", DType::Int8},     {"U8", DType::UInt8},
      {"BOOL", DType::Bool}};
  for (const auto& [text, dtype] : kNames)
    if (name == text) return dtype;
  return std::nullopt;
}

// A non-negative JSON integer that fits int64 (shapes and offsets); nullopt otherwise.
std::optional<uint64_t> as_size(const nlohmann::json& value) {
  if (!value.is_number_unsigned()) {
    if (value.is_number_integer() && value.get<int64_t>() >= 0) return value.get<uint64_t>();
    return std::nullopt;
  }
  uint64_t number = value.get<uint64_t>();
  if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return number;
}

struct Span {
  uint64_t begin;
  uint64_t end;
  std::string name;
};

// Validates one tensor entry against the data section; on success fills `view`.
std::string parse_entry(const std::string& name, const nlohmann::json& entry,
                        std::span<const std::byte> data, TensorView& view, Span& span) {
  if (!entry.is_object()) return fmt::format("header entry '{}' is not an object", name);
  auto dtype_it = entry.find("dtype");
  auto shape_it = entry.find("shape");
  auto offsets_it = entry.find("data_offsets");
  if (dtype_it == entry.end() || shape_it == entry.end() || offsets_it == entry.end())
    return fmt::format("header entry '{}' lacks dtype, shape or data_offsets", name);
  if (!dtype_it->is_string()) return fmt::format("tensor '{}' has a non-string dtype", name);
  auto dtype = parse_safetensors_dtype(dtype_it->get<std::string>());
  if (!dtype)
    return fmt::format("tensor '{}' has unsupported dtype '{}'", name,
                       dtype_it->get<std::string>());
  if (!shape_it->is_array()) return fmt::format("tensor '{}' has a shape that is not a list", name);
  view.dtype = *dtype;
  view.shape.clear();
  for (const auto& dim : *shape_it) {
    auto size = as_size(dim);
    if (!size) return fmt::format("tensor '{}' has an invalid dimension {}", name, dim.dump());
    view.shape.push_back(static_cast<int64_t>(*size));
  }
  if (!offsets_it->is_array() || offsets_it->size() != 2)
    return fmt::format("tensor '{}' needs data_offsets [begin, end]", name);
  auto begin = as_size((*offsets_it)[0]);
  auto end = as_size((*offsets_it)[1]);
  if (!begin || !end || *begin > *end)
    return fmt::format("tensor '{}' has invalid data_offsets {}", name, offsets_it->dump());
  if (*end > data.size())
    return fmt::format("tensor '{}' has data_offsets {} beyond the {} data bytes of the file", name,
                       offsets_it->dump(), data.size());
  auto bytes = element_count(view.shape, pivot::dtype_size(view.dtype));
  if (!bytes) return fmt::format("tensor '{}' has a shape whose size overflows", name);
  uint64_t expected = *bytes * pivot::dtype_size(view.dtype);
  if (expected != *end - *begin)
    return fmt::format(
        "tensor '{}' of dtype {} and shape {} needs {} bytes but data_offsets give {}", name,
        dtype_it->get<std::string>(), pivot::shape_to_string(view.shape), expected, *end - *begin);
  view.bytes = data.subspan(static_cast<size_t>(*begin), static_cast<size_t>(*end - *begin));
  span = {*begin, *end, name};
  return {};
}

}  // namespace

std::string read_safetensors(const std::string& path, Checkpoint& out) {
  out = Checkpoint{};
  if (auto error = out.mapping.open(path); !error.empty()) return error;
  return read_safetensors(out.mapping.bytes(), out);
}

std::string read_safetensors(std::span<const std::byte> file, Checkpoint& out) {
  if (file.size() < 8)
    return fmt::format("file of {} bytes is too small for a safetensors header", file.size());

  uint64_t header_size = 0;
  for (size_t i = 0; i < 8; ++i)  // explicit little-endian decode, independent of the host
    header_size |= static_cast<uint64_t>(std::to_integer<uint8_t>(file[i])) << (8 * i);
  if (header_size > kMaxSafetensorsHeader)
    return fmt::format("header length {} exceeds the {} byte limit", header_size,
                       kMaxSafetensorsHeader);
  if (header_size > file.size() - 8)
    return fmt::format("header length {} is larger than the file ({} bytes after the length)",
                       header_size, file.size() - 8);

  const char* header_begin = reinterpret_cast<const char*>(file.data() + 8);
  nlohmann::json header = nlohmann::json::parse(header_begin, header_begin + header_size, nullptr,
                                                /*allow_exceptions=*/false);
  if (header.is_discarded()) return "header is not valid JSON";
  if (!header.is_object()) return "header is not a JSON object";

  std::span<const std::byte> data = file.subspan(static_cast<size_t>(8 + header_size));
  std::vector<Span> spans;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) return "__metadata__ is not an object";
      for (const auto& [key, value] : entry.items())
        out.metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
      continue;
    }
    TensorView view;
    Span span{};
    if (auto error = parse_entry(name, entry, data, view, span); !error.empty()) return error;
    out.tensors.emplace(name, std::move(view));
    spans.push_back(std::move(span));
  }

  // Two tensors sharing bytes would alias silently; writers never produce that. Gaps are
  // tolerated because they are harmless to reading.
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end)
      return fmt::format("tensors '{}' and '{}' overlap in the data section", spans[i - 1].name,
                         spans[i].name);
  return {};
}

}  // namespace nnport::weights
