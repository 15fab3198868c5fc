// Writer of Keras 3 `.weights.h5` files, the format `model.load_weights()` reads.
//
// Layout, as Keras 3 saving_lib (H5IOStore / H5Entry) writes it: every saveable object at
// inner path P stores its variables as datasets "P/vars/0", "P/vars/1", ... in creation
// order; the model itself is P = "" and so owns the root group "vars"; layers of a Functional
// or Sequential model sit under "layers/<snake_case class name>[_<n>]". No attributes are
// written (only bfloat16 datasets get a "dtype" attribute, and we always write float32).
#pragma once

#include <string>
#include <vector>

#include "weights/tensor.h"

namespace nnport::weights {

struct H5Dataset {
  std::string path; // "layers/dense/vars/0"
  Tensor tensor;    // written with its own dtype, shape and (little-endian) bytes
};

// Writes a complete file at `path` (the caller passes a temporary sibling): the root "vars"
// group, each dataset with intermediate groups, and for each of `empty_groups` ("layers/relu"
// or "layers/relu/vars") the empty group "layers/relu/vars". Returns an empty string on
// success, otherwise what failed.
std::string write_keras_weights_h5(const std::string& path, const std::vector<H5Dataset>& datasets,
                                   const std::vector<std::string>& empty_groups);

} // namespace nnport::weights
