// Weight plan -> JSON (see plan_json.h).
#include "writers/pytorch/plan_json.h"

namespace nnport::writers::pytorch {
namespace {

nlohmann::json part(const pivot::Param& p) {
  nlohmann::json j = {
      {"source", p.name}, {"source_perm", p.source_perm}, {"transforms", nlohmann::json::array()}};
  if (p.source_slice)
    j["source_slice"] = {{"axis", p.source_slice->axis},
                         {"start", p.source_slice->start},
                         {"length", p.source_slice->length}};
  for (const auto& t : p.transforms)
    j["transforms"].push_back({{"axis", t.axis}, {"split", t.split}, {"perm", t.perm}});
  return j;
}

}  // namespace

nlohmann::json weight_plan_json(const pivot::Graph& graph, const pivot::WeightPlan& plan) {
  nlohmann::json slots = nlohmann::json::array();
  for (const auto& slot : plan.slots) {
    nlohmann::json parts = nlohmann::json::array({part(graph.params.at(slot.param))});
    for (pivot::ParamId id : slot.combine_with) parts.push_back(part(graph.params.at(id)));
    slots.push_back({{"target", slot.target_name},
                     {"parts", parts},
                     {"block_order", slot.block_order},
                     {"perm", slot.perm},
                     {"combine", slot.combine == pivot::WeightSlot::Combine::Sum ? "sum" : "stack"},
                     {"shape", slot.shape}});
  }
  return {{"slots", slots}};
}

}  // namespace nnport::writers::pytorch
