// The ordered list of passes between a reader and a writer. The verifier runs after each pass,
// so a broken invariant is blamed on the pass that broke it.
#pragma once

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::passes {

// Prepares a model read from a channels-first framework for a channels-last writer (Keras):
// inline calls -> shape inference -> layout planning -> simplification -> shape inference.
bool prepare_for_channels_last(pivot::Model& model, DiagnosticEngine& diags);

// Prepares a model for a channels-first writer (PyTorch): inline calls -> shape inference ->
// channels-first layout planning -> merging stacked recurrent layers -> shape inference. No
// simplification: a graph that is channels-first already keeps every node the source wrote.
bool prepare_for_channels_first(pivot::Model& model, DiagnosticEngine& diags);

// Runs the verifier; reports each problem as an internal error naming `after_pass`.
bool verify_or_report(const pivot::Model& model, const char* after_pass, DiagnosticEngine& diags);

}  // namespace nnport::passes
