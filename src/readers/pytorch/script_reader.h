// PyTorch training scripts: the statements around the model (optimiser, loss, DataLoader,
// the training and evaluation loops, torch.save) -> pivot::Script.
#pragma once

#include <optional>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"
#include "syntax/tree.h"

namespace nnport::readers {

// `model` is what read_pytorch built from the same file. nullopt: the file has no training
// code (the model alone is migrated).
std::optional<pivot::Script> read_pytorch_script(const syntax::Tree& tree,
                                                 const pivot::Model& model,
                                                 const ReadOptions& options,
                                                 DiagnosticEngine& diags);

}  // namespace nnport::readers
