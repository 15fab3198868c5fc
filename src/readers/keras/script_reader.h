// Keras training scripts: compile/fit/evaluate/predict, optimisers, losses, metrics,
// callbacks, datasets (NumPy arrays, tf.data, image_dataset_from_directory), saving ->
// pivot::Script.
#pragma once

#include <optional>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"
#include "syntax/tree.h"

namespace nnport::readers {

// `model` is what read_keras built from the same file. nullopt: the file has no training code
// (the model alone is migrated).
std::optional<pivot::Script> read_keras_script(const syntax::Tree& tree, const pivot::Model& model,
                                               const ReadOptions& options, DiagnosticEngine& diags);

}  // namespace nnport::readers
