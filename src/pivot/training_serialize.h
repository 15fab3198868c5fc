// JSON form of a training script (`nnport inspect --stage script`), for debugging and tests.
#pragma once

#include <nlohmann/json.hpp>

#include "pivot/training.h"

namespace nnport::pivot {

nlohmann::json to_json(const SetupValue& value);
nlohmann::json to_json(const Script& script);

}  // namespace nnport::pivot
