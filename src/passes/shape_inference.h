// Shape inference: runs each node's catalog shape rule in order and stores the output types.
#pragma once

#include <string>

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::passes {

// Infers the output types of one node from its inputs' types. On a contradiction returns false
// and sets `error` (the node's outputs are then marked rank-unknown).
bool infer_node(pivot::Graph& graph, size_t node_index, std::string& error);

// Infers every node of every module; reports contradictions at the node's location.
bool infer_shapes(pivot::Model& model, DiagnosticEngine& diags);

}  // namespace nnport::passes
