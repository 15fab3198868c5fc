// The Keras spelling of training-script steps: compile(...) with explicit optimiser, loss and
// metrics, fit/evaluate/predict on NumPy arrays or tf.data pipelines, save_weights.
#pragma once

#include <memory>

#include "pivot/graph.h"
#include "pivot/training.h"
#include "support/diagnostics.h"
#include "writers/keras/writer.h"
#include "writers/script_writer.h"

namespace nnport::writers::keras {

// `entry_name`: the generated function building the keras.Model. `model` (after layout
// planning) gives the input permutation the data needs (channels-first arrays -> channels-last).
std::unique_ptr<StepRenderer> make_step_renderer(const pivot::Script& script,
                                                 const std::string& entry_name, Api api,
                                                 DiagnosticEngine& diags,
                                                 const pivot::Model* model = nullptr);

}  // namespace nnport::writers::keras
