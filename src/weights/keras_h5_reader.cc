// HDF5 C API implementation of the Keras weights reader (Keras 3 and legacy layouts).
#include "weights/keras_h5_reader.h"
#include "weights/isolated_read.h"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "weights/hdf5_handles.h"

namespace nnport::weights {
namespace {

// Decoded (non zero-copy) tensors may be larger than their stored bytes only by what
// compression can achieve: deflate tops out near 1032:1, so a dataset claiming more than
// kMaxExpansion times its storage (plus a small allowance for fill-value-only datasets) is a
// decompression bomb or a lie, and is refused before anything is allocated.
constexpr uint64_t kMaxExpansion = 1100;
constexpr uint64_t kSmallTensorAllowance = 1 << 20;
// Attribute string lists (layer_names, weight_names) are a few KiB in real files.
constexpr uint64_t kMaxAttributeElements = 1 << 20;
constexpr uint64_t kMaxAttributeBytes = 64ull << 20;
constexpr char kHdf5Signature[] = "\x89HDF\r\n\x1a\n";

// The most specific description on HDF5's error stack ("truncated file: eof = ..."), or "".
std::string hdf5_error_detail() {
  std::string detail;
  auto innermost = [](unsigned n, const H5E_error2_t* error, void* data) -> herr_t {
    if (n == 0 && error->desc) *static_cast<std::string*>(data) = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &detail);
  return detail;
}

std::string with_detail(std::string message) {
  std::string detail = hdf5_error_detail();
  if (!detail.empty()) message += " (" + detail + ")";
  return message;
}

// Reads a string attribute (fixed or variable length, scalar or 1-D) as a list of strings.
std::optional<std::vector<std::string>> read_string_attribute(hid_t object, const std::string& name,
                                                              std::string& error) {
  H5Handle attribute(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
  H5Handle type(attribute.valid() ? H5Aget_type(attribute.get()) : -1, H5Tclose);
  H5Handle space(attribute.valid() ? H5Aget_space(attribute.get()) : -1, H5Sclose);
  if (!type.valid() || !space.valid()) {
    error = with_detail(fmt::format("cannot read attribute '{}'", name));
    return std::nullopt;
  }
  hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0 || static_cast<uint64_t>(count) > kMaxAttributeElements) {
    error = fmt::format("attribute '{}' has an unreasonable number of elements", name);
    return std::nullopt;
  }
  // Keras stores an empty weight_names list as np.asarray([]), a float64 array.
  if (count == 0) return std::vector<std::string>{};
  if (H5Tget_class(type.get()) != H5T_STRING) {
    error = fmt::format("attribute '{}' is not a list of strings", name);
    return std::nullopt;
  }
  const size_t n = static_cast<size_t>(count);
  std::vector<std::string> values;
  if (H5Tis_variable_str(type.get()) > 0) {
    H5Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    if (!memory.valid() || H5Tset_size(memory.get(), H5T_VARIABLE) < 0 ||
        H5Tset_cset(memory.get(), H5Tget_cset(type.get())) < 0) {
      error = "cannot set up a string type";
      return std::nullopt;
    }
    std::vector<char*> pointers(n, nullptr);
    if (n > 0 && H5Aread(attribute.get(), memory.get(), pointers.data()) < 0) {
      error = with_detail(fmt::format("cannot read attribute '{}'", name));
      return std::nullopt;
    }
    for (char* text : pointers) values.emplace_back(text ? text : "");
    if (n > 0) H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, pointers.data());
    return values;
  }
  const size_t width = H5Tget_size(type.get());
  if (width == 0 || (n > 0 && width > kMaxAttributeBytes / n)) {
    error = fmt::format("attribute '{}' has an unreasonable size", name);
    return std::nullopt;
  }
  std::vector<char> buffer(n * width);
  if (n > 0 && H5Aread(attribute.get(), type.get(), buffer.data()) < 0) {
    error = with_detail(fmt::format("cannot read attribute '{}'", name));
    return std::nullopt;
  }
  // numpy 'S' strings are NUL-padded to the common width.
  for (size_t i = 0; i < n; ++i) {
    const char* begin = buffer.data() + i * width;
    values.emplace_back(begin, strnlen(begin, width));
  }
  return values;
}

// Keras' load_attributes_from_hdf5_group: "name", or "name0", "name1", ... when the list was
// split. nullopt (without error) when the attribute is absent.
std::optional<std::vector<std::string>> read_keras_attribute(hid_t object, const std::string& name,
                                                             std::string& error) {
  if (H5Aexists(object, name.c_str()) > 0) return read_string_attribute(object, name, error);
  std::optional<std::vector<std::string>> joined;
  for (size_t chunk = 0;; ++chunk) {
    std::string part = name + std::to_string(chunk);
    if (H5Aexists(object, part.c_str()) <= 0) break;
    auto values = read_string_attribute(object, part, error);
    if (!values) return std::nullopt;
    if (!joined) joined.emplace();
    joined->insert(joined->end(), values->begin(), values->end());
  }
  return joined;
}

struct ElementType {
  pivot::DType dtype;
  hid_t file_le;  // the little-endian file type whose bytes we can view directly, or -1
  hid_t memory;   // the type H5Dread converts to; -1 means "the file type itself"
};

bool is_ieee_half(hid_t type) {
  size_t sign = 0, exponent_pos = 0, exponent_size = 0, mantissa_pos = 0, mantissa_size = 0;
  if (H5Tget_fields(type, &sign, &exponent_pos, &exponent_size, &mantissa_pos, &mantissa_size) < 0)
    return false;
  return sign == 15 && exponent_pos == 10 && exponent_size == 5 && mantissa_pos == 0 &&
         mantissa_size == 10 && H5Tget_ebias(type) == 15;
}

bool is_bfloat16_marked(hid_t dataset) {
  if (H5Aexists(dataset, "dtype") <= 0) return false;
  std::string ignored;
  auto values = read_string_attribute(dataset, "dtype", ignored);
  return values && values->size() == 1 && values->front() == "bfloat16";
}

// h5py stores numpy bool as an enum over int8 with members FALSE = 0 and TRUE = 1.
bool is_h5py_bool(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_size(type) != 1 || H5Tget_nmembers(type) != 2)
    return false;
  for (unsigned i = 0; i < 2; ++i) {
    char* member = H5Tget_member_name(type, i);
    bool expected = member && std::strcmp(member, i == 0 ? "FALSE" : "TRUE") == 0;
    H5free_memory(member);
    int8_t value = -1;
    if (!expected || H5Tget_member_value(type, i, &value) < 0 || value != static_cast<int8_t>(i))
      return false;
  }
  return true;
}

std::string class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER: return "integer";
    case H5T_FLOAT: return "float";
    case H5T_STRING: return "string";
    case H5T_BITFIELD: return "bitfield";
    case H5T_OPAQUE: return "opaque";
    case H5T_COMPOUND: return "compound";
    case H5T_REFERENCE: return "reference";
    case H5T_ENUM: return "enum";
    case H5T_VLEN: return "variable-length";
    case H5T_ARRAY: return "array";
    default: return "unknown";
  }
}

std::optional<ElementType> element_type(hid_t dataset, hid_t type, const std::string& path,
                                        std::string& error) {
  using pivot::DType;
  const H5T_class_t type_class = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  // Keras 3 marks bfloat16 datasets with dtype="bfloat16"; the stored type is 2 opaque bytes.
  if (size == 2 && (type_class == H5T_OPAQUE || type_class == H5T_INTEGER) &&
      is_bfloat16_marked(dataset))
    return ElementType{DType::BFloat16,
                       type_class == H5T_OPAQUE || H5Tget_order(type) == H5T_ORDER_LE ? type : -1,
                       -1};
  if (type_class == H5T_FLOAT) {
    if (size == 4) return ElementType{DType::Float32, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
    if (size == 8) return ElementType{DType::Float64, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
    if (size == 2 && is_ieee_half(type))
      return ElementType{DType::Float16, H5Tget_order(type) == H5T_ORDER_LE ? type : -1, -1};
  }
  if (type_class == H5T_INTEGER) {
    const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    static const struct {
      size_t size;
      bool is_signed;
      DType dtype;
      hid_t file_le;
      hid_t memory;
    } kIntegers[] = {{8, true, DType::Int64, H5T_STD_I64LE, H5T_NATIVE_INT64},
                     {4, true, DType::Int32, H5T_STD_I32LE, H5T_NATIVE_INT32},
                     {2, true, DType::Int16, H5T_STD_I16LE, H5T_NATIVE_INT16},
                     {1, true, DType::Int8, H5T_STD_I8LE, H5T_NATIVE_INT8},
                     {1, false, DType::UInt8, H5T_STD_U8LE, H5T_NATIVE_UINT8}};
    for (const auto& row : kIntegers)
      if (row.size == size && row.is_signed == is_signed)
        return ElementType{row.dtype, row.file_le, row.memory};
    error = fmt::format("dataset '{}' holds {}-bit {} integers, which have no PyTorch dtype", path,
                        size * 8, is_signed ? "signed" : "unsigned");
    return std::nullopt;
  }
  if (is_h5py_bool(type)) return ElementType{DType::Bool, type, -1};
  error =
      fmt::format("dataset '{}' has HDF5 type {} of {} bytes, which is not a tensor element type",
                  path, class_name(type_class), size);
  return std::nullopt;
}

class DatasetReader {
 public:
  DatasetReader(hid_t file, std::span<const std::byte> image, Checkpoint& out)
      : file_(file), image_(image), out_(out) {}

  // Reads the dataset at `path` (relative to the root, no leading '/').
  std::optional<TensorView> read(const std::string& path, std::string& error);

 private:
  hid_t file_;
  std::span<const std::byte> image_;
  Checkpoint& out_;
};

std::optional<TensorView> DatasetReader::read(const std::string& path, std::string& error) {
  H5Handle dataset(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.valid()) {
    error = with_detail(fmt::format("cannot open dataset '{}'", path));
    return std::nullopt;
  }
  H5Handle type(H5Dget_type(dataset.get()), H5Tclose);
  H5Handle space(H5Dget_space(dataset.get()), H5Sclose);
  H5Handle creation(H5Dget_create_plist(dataset.get()), H5Pclose);
  if (!type.valid() || !space.valid() || !creation.valid()) {
    error = with_detail(fmt::format("cannot read the description of dataset '{}'", path));
    return std::nullopt;
  }
  auto element = element_type(dataset.get(), type.get(), path, error);
  if (!element) return std::nullopt;

  TensorView view;
  view.dtype = element->dtype;
  const H5S_class_t space_class = H5Sget_simple_extent_type(space.get());
  if (space_class == H5S_SIMPLE) {
    int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
    if (rank < 0 || H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
      error = with_detail(fmt::format("cannot read the shape of dataset '{}'", path));
      return std::nullopt;
    }
    for (hsize_t dim : dims) {
      if (dim > static_cast<hsize_t>(std::numeric_limits<int64_t>::max())) {
        error = fmt::format("dataset '{}' has an absurd dimension {}", path, dim);
        return std::nullopt;
      }
      view.shape.push_back(static_cast<int64_t>(dim));
    }
  } else if (space_class != H5S_SCALAR) {
    error =
        fmt::format("dataset '{}' has no data space (an empty HDF5 dataset), not a tensor", path);
    return std::nullopt;
  }
  const size_t element_size = pivot::dtype_size(view.dtype);
  auto count = element_count(view.shape, element_size);
  if (!count) {
    error = fmt::format("dataset '{}' has a shape {} whose size overflows", path,
                        pivot::shape_to_string(view.shape));
    return std::nullopt;
  }
  const uint64_t nbytes = *count * element_size;
  if (*count == 0) return view;

  // External raw-data files and virtual datasets would make us read other files.
  const H5D_layout_t layout = H5Pget_layout(creation.get());
  if (H5Pget_external_count(creation.get()) != 0 || layout == H5D_VIRTUAL || layout < 0) {
    error =
        fmt::format("dataset '{}' keeps its data outside the file, which is not accepted", path);
    return std::nullopt;
  }

  // Zero-copy: contiguous, unfiltered, stored in exactly the little-endian layout we hand out.
  const bool plain_type = element->file_le >= 0 && H5Tequal(type.get(), element->file_le) > 0;
  if (layout == H5D_CONTIGUOUS && H5Pget_nfilters(creation.get()) == 0 && plain_type) {
    const haddr_t offset = H5Dget_offset(dataset.get());
    if (offset != HADDR_UNDEF) {
      if (offset > image_.size() || nbytes > image_.size() - offset) {
        error = fmt::format(
            "dataset '{}' claims {} bytes at offset {}, beyond the {} bytes of the file", path,
            nbytes, offset, image_.size());
        return std::nullopt;
      }
      view.bytes = image_.subspan(static_cast<size_t>(offset), static_cast<size_t>(nbytes));
      return view;
    }
  }

  const uint64_t stored = H5Dget_storage_size(dataset.get());
  const uint64_t limit =
      std::max(kSmallTensorAllowance, stored > std::numeric_limits<uint64_t>::max() / kMaxExpansion
                                          ? std::numeric_limits<uint64_t>::max()
                                          : stored * kMaxExpansion);
  if (nbytes > limit || nbytes > std::numeric_limits<size_t>::max()) {
    error = fmt::format(
        "dataset '{}' of shape {} claims {} bytes but stores only {}; refusing an absurd size",
        path, pivot::shape_to_string(view.shape), nbytes, stored);
    return std::nullopt;
  }
  std::vector<std::byte> buffer;
  try {
    buffer.resize(static_cast<size_t>(nbytes));
  } catch (const std::bad_alloc&) {
    error = fmt::format("not enough memory for the {} bytes of dataset '{}'", nbytes, path);
    return std::nullopt;
  }
  // The memory type: the native equivalent (HDF5 converts byte order), or for half, bfloat16
  // and bool a little-endian copy of the file type, so HDF5 only swaps bytes if needed.
  H5Handle own_memory(element->memory >= 0 ? -1 : H5Tcopy(type.get()), H5Tclose);
  hid_t memory = element->memory;
  if (memory < 0) {
    if (!own_memory.valid() ||
        (H5Tget_size(type.get()) > 1 && H5Tget_class(type.get()) != H5T_OPAQUE &&
         H5Tset_order(own_memory.get(), H5T_ORDER_LE) < 0)) {
      error = fmt::format("cannot set up the memory type of dataset '{}'", path);
      return std::nullopt;
    }
    memory = own_memory.get();
  }
  if (H5Dread(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
    error = with_detail(fmt::format("cannot read dataset '{}'", path));
    return std::nullopt;
  }
  out_.buffers.push_back(std::move(buffer));
  view.bytes = out_.buffers.back();
  return view;
}

// Paths of every dataset reachable through hard links, in name order. Soft and external links
// are not followed (an external link would open another file).
std::optional<std::vector<std::string>> dataset_paths(hid_t file, std::string& error) {
  struct Visit {
    hid_t file;
    std::vector<std::string> paths;
  } visit{file, {}};
  auto callback = [](hid_t group, const char* name, const H5L_info_t* info, void* data) -> herr_t {
    if (info->type != H5L_TYPE_HARD) return 0;
    H5Handle object(H5Oopen(group, name, H5P_DEFAULT), H5Oclose);
    if (!object.valid()) return -1;
    if (H5Iget_type(object.get()) == H5I_DATASET)
      static_cast<Visit*>(data)->paths.emplace_back(name);
    return 0;
  };
  if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, callback, &visit) < 0) {
    error = with_detail("cannot list the objects of the HDF5 file");
    return std::nullopt;
  }
  return std::move(visit.paths);
}

std::string read_keras3(hid_t file, DatasetReader& reader, Checkpoint& out) {
  std::string error;
  auto paths = dataset_paths(file, error);
  if (!paths) return error;
  for (const auto& path : *paths) {
    auto view = reader.read(path, error);
    if (!view) return error;
    out.tensors.emplace(path, std::move(*view));
  }
  out.metadata["keras.weights_layout"] = "keras3";
  return {};
}

// "dense_1/kernel:0" -> "dense_1/kernel" (TensorFlow's output index suffix).
std::string without_output_index(const std::string& name) {
  size_t colon = name.rfind(':');
  if (colon == std::string::npos || colon + 1 == name.size()) return name;
  for (size_t i = colon + 1; i < name.size(); ++i)
    if (name[i] < '0' || name[i] > '9') return name;
  return name.substr(0, colon);
}

std::string read_legacy(hid_t base, const std::vector<std::string>& layer_names,
                        DatasetReader& reader, Checkpoint& out, const std::string& prefix) {
  std::string error;
  size_t weighted_layer = 0;
  for (const auto& layer : layer_names) {
    if (layer.empty() || H5Lexists(base, layer.c_str(), H5P_DEFAULT) <= 0)
      return fmt::format("layer '{}' is listed in layer_names but has no group", layer);
    H5Handle group(H5Gopen2(base, layer.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group.valid())
      return fmt::format("layer '{}' is listed in layer_names but is not a group", layer);
    auto weight_names = read_keras_attribute(group.get(), "weight_names", error);
    if (!weight_names) {
      if (!error.empty()) return fmt::format("layer '{}': {}", layer, error);
      return fmt::format("layer group '{}' lacks the weight_names attribute", layer);
    }
    if (weight_names->empty()) continue;
    for (size_t i = 0; i < weight_names->size(); ++i) {
      const std::string& weight = (*weight_names)[i];
      if (weight.empty() || H5Lexists(group.get(), weight.c_str(), H5P_DEFAULT) <= 0)
        return fmt::format("weight '{}' of layer '{}' is listed in weight_names but missing",
                           weight, layer);
      auto view = reader.read(prefix + layer + "/" + weight, error);
      if (!view) return error;
      std::string key = layer + "/" + without_output_index(weight);
      if (!out.tensors.emplace(key, std::move(*view)).second)
        return fmt::format("two weights of the file are both named '{}'", key);
      out.aliases.emplace(fmt::format("#{}/{}", weighted_layer, i), key);
    }
    ++weighted_layer;
  }
  out.metadata["keras.weights_layout"] = "legacy";
  return {};
}

std::string read_open_file(hid_t file, std::span<const std::byte> image, Checkpoint& out) {
  DatasetReader reader(file, image, out);
  std::string error;
  // Legacy files carry layer_names on the root (save_weights) or on "model_weights" (save).
  auto layer_names = read_keras_attribute(file, "layer_names", error);
  if (!error.empty()) return error;
  if (layer_names) {
    H5Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    return read_legacy(root.get(), *layer_names, reader, out, "");
  }
  if (H5Lexists(file, "model_weights", H5P_DEFAULT) > 0) {
    H5Handle group(H5Gopen2(file, "model_weights", H5P_DEFAULT), H5Gclose);
    if (group.valid()) {
      layer_names = read_keras_attribute(group.get(), "layer_names", error);
      if (!error.empty()) return error;
      if (layer_names) return read_legacy(group.get(), *layer_names, reader, out, "model_weights/");
    }
  }
  return read_keras3(file, reader, out);
}

// File image callbacks that let HDF5's core driver use the caller's buffer instead of copying
// it twice (into the property list, then into the driver), as H5LTopen_file_image does with
// H5LT_FILE_IMAGE_DONT_COPY. Every "allocation" is the buffer itself, every copy is a no-op,
// and growing the image (a write) is refused.
struct InPlaceImage {
  std::byte* data;
  size_t size;

  static H5FD_file_image_callbacks_t callbacks(InPlaceImage& image) {
    H5FD_file_image_callbacks_t result{};
    result.image_malloc = [](size_t length, H5FD_file_image_op_t, void* udata) -> void* {
      auto* self = static_cast<InPlaceImage*>(udata);
      return length == self->size ? self->data : nullptr;
    };
    result.image_memcpy = [](void* dest, const void* source, size_t, H5FD_file_image_op_t,
                             void*) -> void* { return dest == source ? dest : nullptr; };
    result.image_realloc = [](void*, size_t, H5FD_file_image_op_t, void*) -> void* {
      return nullptr;
    };
    result.image_free = [](void*, H5FD_file_image_op_t, void*) -> herr_t { return 0; };
    result.udata_copy = [](void* udata) -> void* { return udata; };
    result.udata_free = [](void*) -> herr_t { return 0; };
    result.udata = &image;
    return result;
  }
};

std::string open_failure(std::span<const std::byte> image) {
  if (!has_hdf5_signature(image)) return "not an HDF5 file (no HDF5 signature)";
  return with_detail("the HDF5 file is corrupt or truncated");
}

}  // namespace

bool has_hdf5_signature(std::span<const std::byte> bytes) {
  // The superblock follows an optional user block of 512, 1024, 2048, ... bytes.
  const size_t length = sizeof kHdf5Signature - 1;
  for (size_t offset = 0; offset <= bytes.size() && bytes.size() - offset >= length;
       offset = offset == 0 ? 512 : offset * 2)
    if (std::memcmp(bytes.data() + offset, kHdf5Signature, length) == 0) return true;
  return false;
}

namespace {

// Generous: a legitimate file's metadata walk takes milliseconds; chunked data is read once more.
int probe_timeout(size_t bytes) { return 30 + static_cast<int>(bytes >> 26); }

}  // namespace

std::string read_keras_h5(const std::string& path, Checkpoint& out) {
  // The whole read runs first in a child process, so that a crash or hang inside libhdf5 on a
  // damaged file is a message (see isolated_read.h).
  {
    Checkpoint probe_out;
    std::error_code ec;
    const auto bytes = static_cast<size_t>(std::filesystem::file_size(path, ec));
    if (auto error = probe_in_child([&] { return read_keras_h5_in_process(path, probe_out); },
                                    probe_timeout(bytes));
        !error.empty())
      return error;
  }
  return read_keras_h5_in_process(path, out);
}

std::string read_keras_h5_image(std::span<const std::byte> image, Checkpoint& out) {
  {
    Checkpoint probe_out;
    if (auto error =
            probe_in_child([&] { return read_keras_h5_image_in_process(image, probe_out); },
                           probe_timeout(image.size()));
        !error.empty())
      return error;
  }
  return read_keras_h5_image_in_process(image, out);
}

std::string read_keras_h5_in_process(const std::string& path, Checkpoint& out) {
  out = Checkpoint{};
  if (auto error = out.mapping.open(path); !error.empty()) return error;
  QuietHdf5Errors quiet;
  if (!has_hdf5_signature(out.mapping.bytes())) return open_failure(out.mapping.bytes());
  H5Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return open_failure(out.mapping.bytes());
  return read_open_file(file.get(), out.mapping.bytes(), out);
}

std::string read_keras_h5_image_in_process(std::span<const std::byte> image, Checkpoint& out) {
  QuietHdf5Errors quiet;
  if (!has_hdf5_signature(image)) return open_failure(image);
  // The core driver reads the image in place (no copy, see InPlaceImage); HDF5's API takes a
  // non-const pointer, but a read-only file never writes through it.
  InPlaceImage in_place{const_cast<std::byte*>(image.data()), image.size()};
  H5FD_file_image_callbacks_t callbacks = InPlaceImage::callbacks(in_place);
  H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() || H5Pset_fapl_core(access.get(), 1 << 16, false) < 0 ||
      H5Pset_file_image_callbacks(access.get(), &callbacks) < 0 ||
      H5Pset_file_image(access.get(), in_place.data, in_place.size) < 0)
    return with_detail("cannot set up an in-memory HDF5 file");
  H5Handle file(H5Fopen("model.weights.h5", H5F_ACC_RDONLY, access.get()), H5Fclose);
  if (!file.valid()) return open_failure(image);
  return read_open_file(file.get(), image, out);
}

}  // namespace nnport::weights
