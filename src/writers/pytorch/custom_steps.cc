// PyTorch metric objects for custom training steps (see custom_steps.h).
#include "writers/pytorch/custom_steps.h"

namespace nnport::writers::pytorch {

std::vector<std::string> running_metric_class() {
  return {
      std::string("class ") + kMetricClass + ":",
      "    \"\"\"A Keras metric object: the running mean of fn(y_true, y_pred) over every sample "
      "seen since",
      "    reset_state() (without fn: of the values given, as keras.metrics.Mean); result() is a "
      "0-d tensor.\"\"\"",
      "",
      "    def __init__(self, fn=None):",
      "        self.fn = fn",
      "        self.reset_state()",
      "",
      "    def reset_state(self):",
      "        self.total, self.count = 0.0, 0",
      "",
      "    reset_states = reset_state",
      "",
      "    def update_state(self, *args):",
      "        with torch.no_grad():",
      "            values = torch.as_tensor(self.fn(*args) if self.fn else args[0]).float()",
      "        self.total += values.sum().item()",
      "        self.count += values.numel()",
      "",
      "    def __call__(self, *args):",
      "        self.update_state(*args)",
      "        return self.result()",
      "",
      "    def result(self):",
      "        return torch.tensor(self.total / max(self.count, 1))",
      "",
      "",
  };
}

std::string metric_values_lambda(const pivot::Metric& m, const std::string& threshold) {
  std::string values;
  if (m.kind == "sparse_categorical_accuracy")
    values = "(outputs.argmax(dim=-1) == targets.view(-1).long()).float()";
  else if (m.kind == "categorical_accuracy")
    values = "(outputs.argmax(dim=-1) == targets.argmax(dim=-1)).float()";
  else if (m.kind == "binary_accuracy") {
    values = "((outputs > " + threshold + ").float() == targets.float().view_as(outputs)).float()";
  } else if (m.kind == "mae")
    values = "(outputs - targets.float().view_as(outputs)).abs().mean(dim=-1)";
  else if (m.kind == "mse")
    values = "(outputs - targets.float().view_as(outputs)).square().mean(dim=-1)";
  else if (m.kind == "mape")
    values =
        "(100 * (targets.float().view_as(outputs) - outputs).abs() / "
        "targets.float().view_as(outputs).abs().clamp(min=1e-7)).mean(dim=-1)";
  if (values.empty()) return "";
  return "lambda targets, outputs: " + values;
}

std::string metric_object_line(const pivot::Metric& m, const std::string& threshold) {
  if (m.kind == "mean") return m.variable + " = " + kMetricClass + "()";
  const std::string fn = metric_values_lambda(m, threshold);
  if (fn.empty()) return "";
  return m.variable + " = " + kMetricClass + "(" + fn + ")";
}

}  // namespace nnport::writers::pytorch
