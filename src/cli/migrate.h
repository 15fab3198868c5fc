// `nnport migrate`: source file -> target code (+ weights) + report, per the contract.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/command_outcome.h"
#include "support/diagnostics.h"

namespace nnport::cli {

struct MigrateOptions {
  std::string source;                     // SOURCE
  std::string to;                         // --to keras|pytorch
  std::string from;                       // --from; empty: detect from imports
  std::string outdir = "nnport-out";      // -o
  std::string class_name;                 // --class
  std::vector<std::string> input_shapes;  // --input-shape, source convention
  std::vector<std::string> input_dtypes;  // --input-dtype
  std::string weights;                    // --weights
  std::string keras_api = "keras3";       // --keras-api keras3|tf.keras
  std::string report;                     // --report
  std::string keras_json;                 // --keras-json (extension): write model.to_json()
  // Developer options (hidden): --dev-same-framework allows --from pytorch --to pytorch (the
  // round-trip test of the PyTorch writer); --dev-weight-plan writes the weight plan as JSON.
  bool dev_same_framework = false;
  std::string dev_weight_plan;
};

ExitStatus run_migrate(const MigrateOptions& options, DiagnosticEngine& diags);

struct InspectOptions {
  std::string source;
  std::string from;
  std::string class_name;
  std::vector<std::string> input_shapes;
  std::vector<std::string> input_dtypes;
  std::string format = "json";  // json | text
  std::string stage = "read";   // read | keras (after the passes that prepare a Keras target)
};

// Prints the pivot model to stdout.
ExitStatus run_inspect(const InspectOptions& options, DiagnosticEngine& diags);

}  // namespace nnport::cli
