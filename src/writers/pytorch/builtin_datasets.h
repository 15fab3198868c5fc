// keras.datasets in a migrated PyTorch script: the same arrays loaded through torchvision.
#pragma once

#include <string>
#include <vector>

#include "pivot/training.h"

namespace nnport::writers::pytorch {

// The helper function `load_keras_dataset(name, column_labels)` (written once, before its first
// use): ((x_train, y_train), (x_test, y_test)) with keras.datasets' order, dtypes and shapes.
std::vector<std::string> builtin_dataset_helper();
// The helper's call for a "builtin" dataset (its torchvision class from the PyTorch dataset
// rows) with both splits (builtin_split "both"), or empty when the dataset has no PyTorch row.
std::string builtin_dataset_call(const pivot::Dataset& dataset);
// keras.datasets without a torchvision reader (boston_housing): the helper reading Keras' cached
// .npz file with NumPy and splitting it as Keras does, `load_<name>(...)`, and its call; both
// empty when the dataset has no such reader.
std::vector<std::string> npz_dataset_helper(const pivot::Dataset& dataset);
std::string npz_dataset_call(const pivot::Dataset& dataset);

}  // namespace nnport::writers::pytorch
