// HDF5 C API implementation of the Keras 3 `.weights.h5` writer.
#include "weights/keras_h5_writer.h"

#include <hdf5.h>

#include <optional>

#include <fmt/format.h>

namespace nnport::weights {
namespace {

// Owns one HDF5 identifier and closes it with the matching function.
class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  ~H5Handle() {
    if (id_ >= 0) closer_(id_);
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_;
  Closer closer_;
};

// HDF5 prints its error stack to stderr by default; we report failures as diagnostics
// instead, so silence it for the duration of a write and restore the caller's setting.
class QuietHdf5Errors {
 public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &function_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  QuietHdf5Errors(const QuietHdf5Errors&) = delete;
  QuietHdf5Errors& operator=(const QuietHdf5Errors&) = delete;
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, function_, data_); }

 private:
  H5E_auto2_t function_ = nullptr;
  void* data_ = nullptr;
};

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
  default: return std::nullopt; // float16/bfloat16/bool are converted before writing
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
  H5Handle group(H5Gcreate2(file, path.c_str(), link_properties, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!group.valid()) return fmt::format("cannot create group '{}'", path);
  return {};
}

std::string write_dataset(hid_t file, hid_t link_properties, hid_t creation_properties,
                          const H5Dataset& dataset) {
  auto types = hdf5_types(dataset.tensor.dtype);
  if (!types)
    return fmt::format("'{}' has dtype {} which the writer does not store", dataset.path,
                       pivot::dtype_name(dataset.tensor.dtype));
  std::vector<hsize_t> dims;
  for (int64_t dim : dataset.tensor.shape) dims.push_back(static_cast<hsize_t>(dim));
  // Rank 0 is a scalar dataspace, as numpy 0-d arrays are stored by h5py.
  H5Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                              : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                 H5Sclose);
  if (!space.valid()) return fmt::format("cannot describe the shape of '{}'", dataset.path);
  H5Handle set(H5Dcreate2(file, dataset.path.c_str(), types->file, space.get(), link_properties,
                          creation_properties, H5P_DEFAULT),
               H5Dclose);
  if (!set.valid()) return fmt::format("cannot create dataset '{}'", dataset.path);
  if (!dataset.tensor.bytes.empty() &&
      H5Dwrite(set.get(), types->memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, dataset.tensor.bytes.data()) < 0)
    return fmt::format("cannot write dataset '{}'", dataset.path);
  return {};
}

} // namespace

std::string write_keras_weights_h5(const std::string& path, const std::vector<H5Dataset>& datasets,
                                   const std::vector<std::string>& empty_groups) {
  QuietHdf5Errors quiet;
  H5Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) return fmt::format("cannot create HDF5 file {}", path);

  // Intermediate groups ("layers", "layers/dense", ".../vars") come into being with the link.
  H5Handle links(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  if (!links.valid() || H5Pset_create_intermediate_group(links.get(), 1) < 0)
    return "cannot set up HDF5 link properties";
  // No modification times in object headers: the same weights give the same bytes.
  H5Handle creation(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (!creation.valid() || H5Pset_obj_track_times(creation.get(), false) < 0)
    return "cannot set up HDF5 dataset properties";

  // Keras up to 3.9 opens h5_file["vars"] unconditionally for the model's own (usually empty)
  // variables, so the root group must exist; later versions accept it too.
  if (auto error = create_group(file.get(), links.get(), "vars"); !error.empty()) return error;
  for (const auto& dataset : datasets)
    if (auto error = write_dataset(file.get(), links.get(), creation.get(), dataset); !error.empty())
      return error;
  // Keras writes a weightless layer as "<path>/vars" with nothing inside; accept the plan's
  // group with or without the trailing "vars" and always produce that form.
  for (const auto& group : empty_groups) {
    bool has_vars = group == "vars" || group.ends_with("/vars");
    std::string full = has_vars ? group : group + "/vars";
    if (auto error = create_group(file.get(), links.get(), full); !error.empty()) return error;
  }

  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) return fmt::format("cannot flush {}", path);
  return {};
}

} // namespace nnport::weights
