// `nnport convert-weights` (a checkpoint -> the target framework's weights file, for a model
// source, without writing code) and `nnport inspect-weights` (what a checkpoint holds and, for a
// model source, which parameter each tensor feeds).
#pragma once

#include <string>
#include <vector>

#include "cli/migrate.h"
#include "support/diagnostics.h"

namespace nnport::cli {

struct ConvertWeightsOptions {
  std::string weights;                    // WEIGHTS
  std::string model;                      // --model SOURCE.py
  std::string to;                         // --to keras|pytorch
  std::string output;                     // -o OUT
  std::string from;                       // --from; empty: detect from imports
  std::string class_name;                 // --class
  std::vector<std::string> input_shapes;  // --input-shape, source convention
  std::vector<std::string> input_dtypes;  // --input-dtype
  std::string report;                     // --report: the migrate report, weights fields filled
};

// Exit status as migrate: 0 written, 1 failed (nothing written), 2 usage error.
ExitStatus run_convert_weights(const ConvertWeightsOptions& options, DiagnosticEngine& diags);

struct InspectWeightsOptions {
  std::string file;   // FILE
  std::string model;  // --model SOURCE.py (optional)
  std::string from;
  std::string class_name;
  std::vector<std::string> input_shapes;
  std::vector<std::string> input_dtypes;
  bool json = false;  // --json
};

// Prints the listing to stdout. 0 when the file (and model) could be read, 1 otherwise.
ExitStatus run_inspect_weights(const InspectWeightsOptions& options, DiagnosticEngine& diags);

}  // namespace nnport::cli
