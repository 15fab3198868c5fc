// Command-line steps shared by every command that reads a model source: --input-shape /
// --input-dtype parsing and reading SOURCE with the reader of its framework.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"

namespace nnport::cli {

// Where diagnostics about the command line itself point.
SourceLocation cli_location();

// Fills read.inputs from the option values; false (after a diagnostic) when one is malformed.
bool parse_inputs(const std::vector<std::string>& shapes, const std::vector<std::string>& dtypes,
                  readers::ReadOptions& read, DiagnosticEngine& diags);

// Reads SOURCE into a pivot model. `framework` receives the detected/forced framework.
std::optional<pivot::Model> read_model(const std::string& source_path, const std::string& from,
                                       const readers::ReadOptions& read, std::string& framework,
                                       DiagnosticEngine& diags);

}  // namespace nnport::cli
