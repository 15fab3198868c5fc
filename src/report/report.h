// The JSON report of a migration (shared/spec/contract.md, "The report").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pivot/graph.h"
#include "support/diagnostics.h"

namespace nnport::report {

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;  // target convention; pivot::kBatch / kUnknown become null
  bool rank_known = true;
  std::string dtype;
  std::vector<int64_t> source_to_target_perm;
};

struct Report {
  std::string source;
  std::string source_framework;
  std::string target_framework;
  std::string status = "failed";  // complete | partial | failed
  std::optional<std::string> output;
  std::string entry_name;
  std::string entry_kind = "class";
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::optional<std::string> weights_input;
  std::optional<std::string> weights_output;
  std::vector<Diagnostic> diagnostics;
};

// Fills inputs/outputs from a model's entry graph ports.
void describe_ports(const pivot::Model& model, Report& report);

nlohmann::ordered_json to_json(const Report& report);

}  // namespace nnport::report
