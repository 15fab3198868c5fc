// Lowering of a flat, layout-planned pivot graph to the Keras writer's layer records: picks
// the Keras class (or keras.ops / tf call) per node from the framework table, converts
// attributes to arguments, names layers, wires values, and folds single-use activations.
#pragma once

#include "pivot/graph.h"
#include "support/diagnostics.h"
#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

RecordList lower_graph(const pivot::ModuleDef& module, bool tf_keras, DiagnosticEngine& diags);

}  // namespace nnport::writers::keras
