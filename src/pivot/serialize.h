// Pivot model <-> JSON. The JSON form round-trips exactly (parse(dump(m)) dumps identically);
// attribute values are parsed by the type the catalog declares, so `[]` and `1.0` stay typed.
// Also a readable text summary for people (`nnport inspect --format text`).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pivot/graph.h"

namespace nnport::pivot {

nlohmann::ordered_json to_json(const Model& model);
// Returns nullopt and sets `error` when the JSON is not a valid pivot model.
std::optional<Model> model_from_json(const nlohmann::ordered_json& json, std::string& error);

std::string to_text(const Model& model);

}  // namespace nnport::pivot
