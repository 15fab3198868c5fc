// HDF5 C API implementation of the Keras 3 `.weights.h5` writer.
#include "weights/keras_h5_writer.h"

#include <hdf5.h>

#include <optional>

#include <fmt/format.h>

#include "weights/direct_file_writer.h"
#include "weights/hdf5_handles.h"

namespace nnport::weights {
namespace {

// File type (explicitly little-endian, as h5py writes numpy arrays on x86) and memory type.
struct TypePair {
  hid_t file;
  hid_t memory;
};

std::optional<TypePair> hdf5_types(pivot::DType dtype) {
  using pivot::DType;
  switch (dtype) {
    case DType::Float32: return TypePair{H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
    case DType::Float64: return TypePair{H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
    case DType::Int64: return TypePair{H5T_STD_I64LE, H5T_NATIVE_INT64};
    case DType::Int32: return TypePair{H5T_STD_I32LE, H5T_NATIVE_INT32};
    case DType::Int16: return TypePair{H5T_STD_I16LE, H5T_NATIVE_INT16};
    case DType::Int8: return TypePair{H5T_STD_I8LE, H5T_NATIVE_INT8};
    case DType::UInt8: return TypePair{H5T_STD_U8LE, H5T_NATIVE_UINT8};
    default: return std::nullopt;  // float16/bfloat16/bool are converted before writing
  }
}

std::string create_group(hid_t file, hid_t link_properties, const std::string& path) {
  // An existing group (a prefix of an earlier path, or listed twice) is fine.
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0) {
    // Opening the object and asking its identifier type works on HDF5 1.10 and later alike.
    H5Handle object(H5Oopen(file, path.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid() || H5Iget_type(object.get()) != H5I_GROUP)
      return fmt::format("'{}' exists and is not a group", path);
    return {};
  }
  H5Handle group(H5Gcreate2(file, path.c_str(), link_properties, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
  if (!group.valid()) return fmt::format("cannot create group '{}'", path);
  return {};
}

// Datasets at least this large start on a 4 KiB boundary of the file and have their raw bytes
// written by a DirectFileWriter instead of H5Dwrite (see direct_file_writer.h); HDF5 writes the
// metadata and the small datasets itself.
constexpr hsize_t kDirectThreshold = hsize_t{1} << 20;

}  // namespace

struct KerasWeightsH5Stream::State {
  std::optional<H5Handle> file;
  std::optional<H5Handle> links;
  std::optional<H5Handle> creation;
  std::optional<H5Handle> dataset;
  std::optional<H5Handle> file_space;
  std::string dataset_path;
  TypePair types{};
  std::vector<hsize_t> dims;
  // Raw data of large datasets, written at their file address (allocated when the dataset is
  // created); null when the file cannot be opened a second time.
  std::unique_ptr<DirectFileWriter> direct;
  bool direct_run = false;   // the open dataset's bytes go to `direct`
  hsize_t next_element = 0;  // row-major index of the next element it expects
  hsize_t element_count = 0;
  size_t element_bytes = 0;
};

KerasWeightsH5Stream::KerasWeightsH5Stream() : state_(std::make_unique<State>()) {}

KerasWeightsH5Stream::~KerasWeightsH5Stream() {
  QuietHdf5Errors quiet;
  state_.reset();
}

std::string KerasWeightsH5Stream::create(const std::string& path) {
  QuietHdf5Errors quiet;
  // Raw data goes straight to the file: the data sieve buffer would read back and rewrite
  // whole blocks around each strided piece of a transposed tensor.
  H5Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!access.valid() || H5Pset_sieve_buf_size(access.get(), 0) < 0 ||
      H5Pset_alignment(access.get(), kDirectThreshold, DirectFileWriter::kBlock) < 0)
    return "cannot set up HDF5 file access";
  state_->file.emplace(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (!state_->file->valid()) return fmt::format("cannot create HDF5 file {}", path);
  // Intermediate groups ("layers", "layers/dense", ".../vars") come into being with the link.
  state_->links.emplace(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!state_->links->valid() || H5Pset_create_intermediate_group(state_->links->get(), 1) < 0)
    return "cannot set up HDF5 link properties";
  // No modification times in object headers: the same weights give the same bytes. Contiguous
  // layout, and no fill value written before the data.
  state_->creation.emplace(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!state_->creation->valid() || H5Pset_obj_track_times(state_->creation->get(), false) < 0 ||
      H5Pset_layout(state_->creation->get(), H5D_CONTIGUOUS) < 0 ||
      H5Pset_fill_time(state_->creation->get(), H5D_FILL_TIME_NEVER) < 0 ||
      H5Pset_alloc_time(state_->creation->get(), H5D_ALLOC_TIME_EARLY) < 0)
    return "cannot set up HDF5 dataset properties";
  // Storage is allocated at creation, so a dataset's address is known before its data comes.
  state_->direct = std::make_unique<DirectFileWriter>();
  if (!state_->direct->open(path, false).empty()) state_->direct.reset();
  // Keras up to 3.9 opens h5_file["vars"] unconditionally for the model's own (usually empty)
  // variables, so the root group must exist; later versions accept it too.
  return create_group(state_->file->get(), state_->links->get(), "vars");
}

std::string KerasWeightsH5Stream::begin_dataset(const std::string& path, pivot::DType dtype,
                                                std::span<const int64_t> shape) {
  QuietHdf5Errors quiet;
  if (!state_->file || state_->dataset)
    return fmt::format("internal: cannot start dataset '{}' now", path);
  auto types = hdf5_types(dtype);
  if (!types)
    return fmt::format("'{}' has dtype {} which the writer does not store", path,
                       pivot::dtype_name(dtype));
  state_->types = *types;
  state_->dims.clear();
  for (int64_t dim : shape) state_->dims.push_back(static_cast<hsize_t>(dim));
  // Rank 0 is a scalar dataspace, as numpy 0-d arrays are stored by h5py.
  state_->file_space.emplace(
      state_->dims.empty()
          ? H5Screate(H5S_SCALAR)
          : H5Screate_simple(static_cast<int>(state_->dims.size()), state_->dims.data(), nullptr),
      H5Sclose);
  if (!state_->file_space->valid()) return fmt::format("cannot describe the shape of '{}'", path);
  state_->dataset.emplace(
      H5Dcreate2(state_->file->get(), path.c_str(), types->file, state_->file_space->get(),
                 state_->links->get(), state_->creation->get(), H5P_DEFAULT),
      H5Dclose);
  state_->dataset_path = path;
  if (!state_->dataset->valid()) {
    state_->dataset.reset();
    return fmt::format("cannot create dataset '{}'", path);
  }
  state_->direct_run = false;
  state_->next_element = 0;
  state_->element_count = 1;
  for (hsize_t dim : state_->dims) state_->element_count *= dim;
  state_->element_bytes = H5Tget_size(types->file);
  const bool same_bytes = H5Tequal(types->file, types->memory) > 0;
  if (state_->direct && same_bytes &&
      state_->element_count * state_->element_bytes >= kDirectThreshold) {
    const haddr_t address = H5Dget_offset(state_->dataset->get());
    if (address != HADDR_UNDEF) {
      if (auto error = state_->direct->begin_run(address); !error.empty()) return error;
      state_->direct_run = true;
    }
  }
  return {};
}

std::string KerasWeightsH5Stream::write_box(std::span<const int64_t> start,
                                            std::span<const int64_t> count,
                                            const std::byte* bytes) {
  QuietHdf5Errors quiet;
  if (!state_->dataset || start.size() != state_->dims.size() || count.size() != start.size())
    return "internal: box does not fit the open dataset";
  std::vector<hsize_t> offset(start.size());
  std::vector<hsize_t> extent(count.size());
  hsize_t elements = 1;
  for (size_t i = 0; i < start.size(); ++i) {
    offset[i] = static_cast<hsize_t>(start[i]);
    extent[i] = static_cast<hsize_t>(count[i]);
    elements *= extent[i];
  }
  if (elements == 0) return {};
  if (state_->direct_run) {
    // Boxes come in row-major order, each one consecutive range of the dataset.
    hsize_t first = 0;
    for (size_t i = 0; i < offset.size(); ++i) first = first * state_->dims[i] + offset[i];
    if (first != state_->next_element)
      return fmt::format("internal: box of dataset '{}' out of order", state_->dataset_path);
    state_->next_element += elements;
    return state_->direct->append(std::span(bytes, elements * state_->element_bytes));
  }
  const std::string failed = fmt::format("cannot write dataset '{}'", state_->dataset_path);
  if (extent == state_->dims || extent.empty()) {
    if (H5Dwrite(state_->dataset->get(), state_->types.memory, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                 bytes) < 0)
      return failed;
    return {};
  }
  H5Handle memory(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr),
                  H5Sclose);
  if (!memory.valid() || H5Sselect_hyperslab(state_->file_space->get(), H5S_SELECT_SET,
                                             offset.data(), nullptr, extent.data(), nullptr) < 0)
    return failed;
  if (H5Dwrite(state_->dataset->get(), state_->types.memory, memory.get(),
               state_->file_space->get(), H5P_DEFAULT, bytes) < 0)
    return failed;
  return {};
}

std::string KerasWeightsH5Stream::end_dataset() {
  QuietHdf5Errors quiet;
  if (state_->direct_run) {
    state_->direct_run = false;
    if (state_->next_element != state_->element_count)
      return fmt::format("internal: dataset '{}' received {} of its {} elements",
                         state_->dataset_path, state_->next_element, state_->element_count);
    if (auto error = state_->direct->end_run(); !error.empty()) return error;
  }
  state_->file_space.reset();
  state_->dataset.reset();
  return {};
}

std::string KerasWeightsH5Stream::add_empty_group(const std::string& group) {
  QuietHdf5Errors quiet;
  if (!state_->file) return "internal: no open file";
  // Keras writes a weightless layer as "<path>/vars" with nothing inside; accept the plan's
  // group with or without the trailing "vars" and always produce that form.
  bool has_vars = group == "vars" || group.ends_with("/vars");
  return create_group(state_->file->get(), state_->links->get(),
                      has_vars ? group : group + "/vars");
}

std::string KerasWeightsH5Stream::close() {
  QuietHdf5Errors quiet;
  if (!state_->file) return "internal: no open file";
  state_->file_space.reset();
  state_->dataset.reset();
  if (state_->direct) {
    auto direct = std::move(state_->direct);
    if (auto error = direct->close(); !error.empty()) return error;
  }
  if (H5Fflush(state_->file->get(), H5F_SCOPE_GLOBAL) < 0) return "cannot flush the HDF5 file";
  state_->creation.reset();
  state_->links.reset();
  const herr_t closed = H5Fclose(state_->file->release());
  state_->file.reset();
  return closed < 0 ? "cannot close the HDF5 file" : std::string();
}

std::string write_keras_weights_h5(const std::string& path, const std::vector<H5Dataset>& datasets,
                                   const std::vector<std::string>& empty_groups) {
  KerasWeightsH5Stream stream;
  if (auto error = stream.create(path); !error.empty()) return error;
  for (const auto& dataset : datasets) {
    const auto& tensor = dataset.tensor;
    const std::vector<int64_t> origin(tensor.shape.size(), 0);
    if (auto error = stream.begin_dataset(dataset.path, tensor.dtype, tensor.shape); !error.empty())
      return error;
    if (auto error = stream.write_box(origin, tensor.shape, tensor.bytes.data()); !error.empty())
      return error;
    if (auto error = stream.end_dataset(); !error.empty()) return error;
  }
  for (const auto& group : empty_groups)
    if (auto error = stream.add_empty_group(group); !error.empty()) return error;
  if (auto error = stream.close(); !error.empty()) return fmt::format("{}: {}", path, error);
  return {};
}

}  // namespace nnport::weights
