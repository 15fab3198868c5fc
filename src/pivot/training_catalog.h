// The training catalog: every optimiser, loss, metric, learning-rate schedule and callback the
// pivot knows, declared once with its canonical hyper-parameters (name, type, doc). Framework
// tables (src/frameworks/<fw>/training_rows.cc) map their classes, strings and argument names
// onto these, with that framework's defaults; readers and writers go through the tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pivot/training.h"

namespace nnport::pivot {

enum class SetupFamily { Optimizer, Loss, Metric, Schedule, Callback, Transform, Dataset };

struct SetupParamSpec {
  std::string name;  // canonical: "learning_rate", "beta_1", "epsilon", "momentum", ...
  SetupValue::Kind type;
  std::string doc;
};

struct SetupSchema {
  SetupFamily family;
  std::string kind;  // canonical: "adam", "cross_entropy", "step", "early_stopping"
  std::string doc;
  std::vector<SetupParamSpec> params;

  const SetupParamSpec* find_param(std::string_view param) const;
};

const std::vector<SetupSchema>& training_catalog();
const SetupSchema* find_setup_schema(SetupFamily family, std::string_view kind);
std::string_view family_name(SetupFamily family);

}  // namespace nnport::pivot
