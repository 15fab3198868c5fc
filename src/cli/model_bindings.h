// A model variable the source binds several times (`model = ...` again for a retrain or for
// another network, pivot::Model::bindings): every binding becomes a class of the PyTorch output,
// one class per distinct architecture, and each statement building the model instantiates the
// class of its own binding.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"

namespace nnport::cli {

// The class of each binding (by line) once `python` (the entry's module, `entry_name` its class)
// holds them all: each binding other than the entry is read again from `source`; one with the
// entry's architecture (a retrain from scratch) is the entry's class, another network gets a
// class of its own (<entry_name>1, <entry_name>2, ... in source order). A binding that cannot be
// read has no class (the reason is noted at its line).
std::map<uint32_t, std::string> write_binding_classes(const std::string& source,
                                                      const readers::ReadOptions& read,
                                                      const pivot::Model& model,
                                                      const std::string& entry_name,
                                                      std::string& python, DiagnosticEngine& diags);

// Points each BuildModel step of `script` at its binding's class (ScriptStep::model), or makes
// it Unsupported (with a diagnostic) when its binding has no class.
void bind_model_classes(pivot::Script& script, const std::map<uint32_t, std::string>& classes,
                        const std::string& entry_name, DiagnosticEngine& diags);

}  // namespace nnport::cli
