// The model's input shape read from the training script's data, for a source whose model input
// is not given on the command line (no --input-shape).
//
// The script fixes the shape of what it feeds the model more often than not: a torchvision
// dataset with its transforms (FashionMNIST + ToTensor: one 1x28x28 image per sample), arrays
// of a known shape (`rng.normal(size=(512, 10))`), windows cut by a helper function
// (`xs.append(data[i:i + 30])` -> (n, 30)) and turned into tensors
// (`torch.from_numpy(X).float().unsqueeze(-1)` -> (n, 30, 1)), TensorDatasets, custom Dataset
// classes over such tensors, DataLoaders over all of these, and the batch loop that feeds the
// model (`for X, y in loader: pred = model(X.to(device))`, helpers called with the loader).
// The statements are followed statically (nothing runs): shapes only, every loop body once,
// helpers with their arguments bound, within a statement budget. Only shapes come out of here:
// the caller traces the model with them, as if given with --input-shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

struct DataInputShape {
  // With the batch axis first (pivot::kBatch); nullopt when the data's shape is only known at
  // run time.
  std::optional<std::vector<int64_t>> shape;
  bool integer = false;  // the data are integer tensors (token ids)
  // Where the model is called on the data, and the data's description: the variable whose
  // shape gave the input ("training_data (FashionMNIST with ToTensor)"), or, when the shape is
  // unknown, the variable whose shape would have given it ('X_train').
  SourceLocation call;
  std::string data;
};

// The input the script feeds the model `model_name` (a module class of the file, a builder
// function, or the variable of a module-level nn.Sequential), or nullopt when the script never
// calls the model on data nnport can follow.
std::optional<DataInputShape> script_input_shape(const Context& ctx, Node module,
                                                 const std::string& model_name,
                                                 bool module_level_sequential);

}  // namespace nnport::readers::pytorch
