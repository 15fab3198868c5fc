// RAII helpers for the HDF5 C API shared by the Keras weights reader and writer: an owned
// identifier closed with its matching function, and a guard that silences HDF5's error printing.
#pragma once

#include <hdf5.h>

namespace nnport::weights {

// Owns one HDF5 identifier and closes it with the matching function (H5Dclose, H5Sclose, ...).
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
  // Gives up ownership (to close explicitly and see the result).
  hid_t release() {
    hid_t id = id_;
    id_ = -1;
    return id;
  }

 private:
  hid_t id_;
  Closer closer_;
};

// HDF5 prints its error stack to stderr by default; nnport reports failures as messages and
// diagnostics instead, so the guard silences it for its lifetime and restores the caller's
// setting afterwards.
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

}  // namespace nnport::weights
