// Keras spellings of the training setup's objects: optimisers, losses, metrics and
// learning-rate schedules (as LearningRateScheduler callbacks with the exact formula), from the
// Keras training table. Every value that differs from Keras' default is written; a source
// behaviour Keras cannot reproduce is a `training-convention` warning or an Unsupported marker.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pivot/training.h"
#include "support/diagnostics.h"

namespace nnport::writers::keras {

struct SetupSpelling {
  std::string text;                   // the Python expression
  std::vector<std::string> problems;  // what could not be expressed (TODO markers)
  bool needs_math = false;            // uses `math.`
};

// `keras` is the module prefix ("keras" or "tf.keras").
std::string setup_literal(const pivot::SetupValue& value);
// The value as an operand of a formula nnport writes around it (`lr * gamma ** (epoch // n)`):
// parenthesised when it is an expression of the source with an operator of its own
// (`num_epochs * len(train_loader)`) or a negative number, so that it keeps its meaning.
std::string setup_operand(const pivot::SetupValue& value);
std::string python_operand(const std::string& text);
SetupSpelling spell_optimizer(const pivot::Optimizer& opt, const std::string& keras,
                              DiagnosticEngine& diags);
SetupSpelling spell_loss(const pivot::Loss& loss, const std::string& keras,
                         DiagnosticEngine& diags);
// Cross-entropy on class indices with label_smoothing (torch CrossEntropyLoss): Keras'
// SparseCategoricalCrossentropy has no label_smoothing, so the loss is spelled as
// CategoricalCrossentropy(label_smoothing=...) and the labels given to fit/evaluate one-hot.
bool smooths_class_indices(const pivot::Loss& loss);
SetupSpelling spell_metric(const pivot::Metric& metric, const std::string& keras);
SetupSpelling spell_callback(const pivot::Callback& callback, const std::string& keras);
// `base_lr`: the optimiser's initial rate (the schedules of PyTorch scale it).
SetupSpelling spell_schedule(const pivot::Schedule& schedule, const pivot::SetupValue& base_lr,
                             const std::string& keras, DiagnosticEngine& diags);

}  // namespace nnport::writers::keras
