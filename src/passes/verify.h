// Verifier: checks what a pass can break. Runs after every pass in the pipeline.
#pragma once

#include <string>
#include <vector>

#include "pivot/graph.h"

namespace nnport::passes {

// Returns the problems found (empty when the model is valid).
std::vector<std::string> verify(const pivot::Model& model);

}  // namespace nnport::passes
