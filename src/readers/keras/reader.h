// Keras reader: Python source (never executed) -> pivot Model. Sequential, Functional and
// subclassed models, builder functions; Keras 3 (`import keras`) and tf.keras spellings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pivot/graph.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"

namespace nnport::readers {

// Reads `source` (the text of `path`). Input shapes in `options` follow the Keras convention
// (channels-last). Parameters are named by their Keras 3 `.weights.h5` path
// ("layers/dense_1/vars/0"), with the legacy `.h5` keys "<layer name>/<variable>" and the order
// keys "#<k>/<i>" as aliases. Returns nullopt when nothing usable was built.
// A model variable bound several times (pivot::Model::bindings) is read at its last binding,
// or at the one on line `binding_line`.
std::optional<pivot::Model> read_keras(const std::string& path, std::string_view source,
                                       const ReadOptions& options, DiagnosticEngine& diags,
                                       uint32_t binding_line = 0);

}  // namespace nnport::readers
