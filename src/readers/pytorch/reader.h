// PyTorch reader: Python source (never executed) -> pivot Model.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::readers {

// One model input as given on the command line, in the SOURCE framework's convention.
struct InputSpec {
  std::optional<std::vector<int64_t>> shape;  // pivot::kBatch for `N` / `?`
  std::optional<pivot::DType> dtype;
};

struct ReadOptions {
  std::string class_name;         // --class; empty: pick the top-level model
  std::vector<InputSpec> inputs;  // --input-shape / --input-dtype, in forward() order
};

// Reads `source` (the text of `path`). Returns the model when one was found, even when parts
// of it are Unsupported nodes (each with a diagnostic); nullopt when nothing usable was built
// (errors explain why). Graph values carry inferred types.
std::optional<pivot::Model> read_pytorch(const std::string& path, std::string_view source,
                                         const ReadOptions& options, DiagnosticEngine& diags);

}  // namespace nnport::readers
