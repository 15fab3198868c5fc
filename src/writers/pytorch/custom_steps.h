// The PyTorch spelling of a custom training step's pieces (Keras GradientTape loops): metric
// objects as running accumulators with Keras' interface (update_state, result, reset_state).
#pragma once

#include <string>
#include <vector>

#include "pivot/training.h"

namespace nnport::writers::pytorch {

// The name of the helper class below.
inline constexpr const char* kMetricClass = "RunningMetric";

// The class a migrated metric object is an instance of, written once before the first.
std::vector<std::string> running_metric_class();

// The per-sample values of a metric as a lambda over (targets, outputs) (Keras' y_true, y_pred
// order), whose running mean the metric reports; "" when it has no spelling yet. A "mean"
// metric has no function: it averages the values it is given. `threshold`: binary_accuracy's,
// as Python text.
std::string metric_values_lambda(const pivot::Metric& metric, const std::string& threshold);

// `m = RunningMetric(...)` for a metric object; empty when it has no spelling yet.
std::string metric_object_line(const pivot::Metric& metric, const std::string& threshold);

}  // namespace nnport::writers::pytorch
