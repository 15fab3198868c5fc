// Keras writer: a layout-planned, flat pivot graph (channels-last, no `call` nodes) ->
// idiomatic Keras Python, the matching Keras JSON config (`model.to_json()` format), and the
// plan that places each parameter in a Keras 3 `.weights.h5` file.
//
// The Python text and the JSON config are both rendered from one list of layer records built
// from the graph, so they cannot disagree on layer classes, names, arguments or wiring.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/diagnostics.h"

namespace nnport::writers::keras {

enum class Api { Keras3, TfKeras };

struct WriteOptions {
  Api api = Api::Keras3;
  std::string source_name;  // SOURCE file name, for the generated header comment
};

struct KerasOutput {
  std::string python;         // the generated module
  nlohmann::json config;      // model.to_json() of the built model (tf.keras 2 format)
  pivot::WeightPlan weights;  // parameter -> "layers/<layer>/vars/<i>"
  std::string entry_name;     // function in `python` returning the built keras.Model
  bool partial = false;       // TODO(nnport) markers were written
};

// Returns nullopt when nothing could be written (errors explain why).
std::optional<KerasOutput> write_keras(const pivot::Model& model, const WriteOptions& options,
                                       DiagnosticEngine& diags);

}  // namespace nnport::writers::keras
