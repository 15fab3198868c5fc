// Inlining: replaces `call` nodes of the entry module by the callee's nodes, recursively, so
// writers that emit one flat model (Keras Functional) see a flat graph. Names are prefixed with
// the instance path (`block1.conv1`), parameters too (`block1.conv1.weight`, the checkpoint key),
// and two calls of the same instance share parameters.
#pragma once

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::passes {

bool inline_calls(pivot::Model& model, DiagnosticEngine& diags);

}  // namespace nnport::passes
