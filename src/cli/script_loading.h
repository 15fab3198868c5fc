// Reading the training script around a model (optimiser, loss, data, loops) with the reader of
// the source framework.
#pragma once

#include <optional>
#include <string>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"

namespace nnport::cli {

// nullopt when SOURCE holds no training code; the model alone is migrated then.
std::optional<pivot::Script> read_script(const std::string& source_path,
                                         const std::string& framework, const pivot::Model& model,
                                         const readers::ReadOptions& read, DiagnosticEngine& diags);

}  // namespace nnport::cli
