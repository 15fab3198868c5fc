// Writer of Keras 3 `.weights.h5` files, the format `model.load_weights()` reads.
//
// Layout, as Keras 3 saving_lib (H5IOStore / H5Entry) writes it: every saveable object at
// inner path P stores its variables as datasets "P/vars/0", "P/vars/1", ... in creation
// order; the model itself is P = "" and so owns the root group "vars"; layers of a Functional
// or Sequential model sit under "layers/<snake_case class name>[_<n>]". No attributes are
// written (only bfloat16 datasets get a "dtype" attribute, and we always write float32).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "weights/tensor.h"

namespace nnport::weights {

struct H5Dataset {
  std::string path;  // "layers/dense/vars/0"
  Tensor tensor;     // written with its own dtype, shape and (little-endian) bytes
};

// Writes a complete file at `path` (the caller passes a temporary sibling): the root "vars"
// group, each dataset with intermediate groups, and for each of `empty_groups` ("layers/relu"
// or "layers/relu/vars") the empty group "layers/relu/vars". Returns an empty string on
// success, otherwise what failed.
std::string write_keras_weights_h5(const std::string& path, const std::vector<H5Dataset>& datasets,
                                   const std::vector<std::string>& empty_groups);

// The same file written incrementally, so that large checkpoints stream: each dataset is
// created with its full shape (contiguous layout, no chunk cache) and filled box by box. The
// caller closes the file; a file that is not closed must be discarded.
class KerasWeightsH5Stream {
 public:
  KerasWeightsH5Stream();
  KerasWeightsH5Stream(const KerasWeightsH5Stream&) = delete;
  KerasWeightsH5Stream& operator=(const KerasWeightsH5Stream&) = delete;
  ~KerasWeightsH5Stream();

  // Each returns an empty string on success, otherwise what failed.
  std::string create(const std::string& path);  // also creates the root "vars" group
  std::string begin_dataset(const std::string& path, pivot::DType dtype,
                            std::span<const int64_t> shape);
  // Writes `bytes` (row-major elements of the box) at [start, start + count) of the open dataset.
  std::string write_box(std::span<const int64_t> start, std::span<const int64_t> count,
                        const std::byte* bytes);
  std::string end_dataset();
  std::string add_empty_group(const std::string& group);  // "layers/relu" or "layers/relu/vars"
  std::string close();                                    // flushes and closes

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace nnport::weights
