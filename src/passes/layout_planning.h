// Layout planning: rewrites a flat channels-first graph (PyTorch semantics) so that every
// convolution and pooling runs channels-last (Keras), inserting as few transposes as the
// semantics allow. Every value v of the source graph is stored as v.permute(P_v) for a
// permutation P_v chosen lazily:
//  - ops indifferent to layout (activations, dropout, batch_norm, softmax, reductions, concat,
//    elementwise arithmetic) keep their input's P and have their axis attributes rewritten;
//  - source transposes never emit code: they only change P (permute(0, 2, 1) before a Conv1d
//    cancels against the channels-last conversion);
//  - conv/pool require channels-last; reshape/unsqueeze/embedding/unsupported require the source
//    order; a transpose is inserted only where a value's P differs from what its user requires;
//  - flatten of a channels-last tensor whose users are (through elementwise ops) only linear
//    layers keeps the channels-last element order, and the linear weights record the row
//    permutation as a WeightTransform (conventions row 8) instead of a runtime transpose.
// Graph inputs and outputs record their permutation in Port::source_to_target_perm.
#pragma once

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::passes {

// Plans the entry module, which must be flat (no `call` nodes). Returns false on failure.
bool plan_channels_last(pivot::Model& model, DiagnosticEngine& diags);

// The mirror image for a channels-first target (PyTorch): a channels-last graph (Keras source)
// is stored channels-first around its convolutions and pooling, with one permute at an image
// input, axis attributes rewritten, and Flatten before Linear absorbed into a row permutation
// of the Linear weight. A graph whose ops are all channels-first already (a PyTorch source) is
// left exactly as it is; its ports get identity permutations.
bool plan_channels_first(pivot::Model& model, DiagnosticEngine& diags);

}  // namespace nnport::passes
