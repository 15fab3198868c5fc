// State_dict keys of layer parameters (see layer_params.h).
#include "writers/pytorch/layer_params.h"

#include <map>

#include "pivot/ops/catalog.h"
#include "writers/pytorch/custom_cells.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::OpKind;

// nn.MultiheadAttention keeps the query, key and value projections as the row blocks of one
// in_proj_weight when they share the embedding width, else as three q/k/v_proj_weight tensors;
// their biases are always one in_proj_bias. Stacking along a new first axis then flattening it
// row-major concatenates the blocks. Attention nn.MultiheadAttention cannot express is a
// KerasMultiHeadAttention (custom_cells.cc) with one nn.Linear per projection.
bool plan_attention(const pivot::Graph& graph, const pivot::Node& node, const std::string& attr,
                    pivot::WeightPlan& plan, std::string& error) {
  const auto& p = node.params;
  auto id = [&](const char* role) -> std::optional<pivot::ParamId> {
    auto it = p.find(role);
    if (it == p.end()) return std::nullopt;
    return it->second;
  };
  const int64_t e = pivot::attr_int(node, "embed_dim");
  const bool packed = pivot::attr_int(node, "kdim") == e && pivot::attr_int(node, "vdim") == e;
  auto q = id("query_weight"), k = id("key_weight"), v = id("value_weight"),
       o = id("output_weight");
  if (!q || !k || !v || !o) {
    error = "multi_head_attention '" + node.name + "' lacks projection weights";
    return false;
  }
  auto slot = [](std::string target, pivot::ParamId param) {
    pivot::WeightSlot out;
    out.target_name = std::move(target);
    out.param = param;
    return out;
  };
  if (uses_custom_layer(node)) {
    for (const auto& [role, linear] :
         {std::pair{"query", "q_proj"}, std::pair{"key", "k_proj"}, std::pair{"value", "v_proj"},
          std::pair{"output", "out_proj"}}) {
      plan.slots.push_back(
          slot(attr + "." + linear + ".weight", p.at(std::string(role) + "_weight")));
      if (auto b = id((std::string(role) + "_bias").c_str()))
        plan.slots.push_back(slot(attr + "." + linear + ".bias", *b));
    }
    return true;
  }
  if (packed) {
    plan.slots.push_back({attr + ".in_proj_weight",
                          *q,
                          {},
                          {3 * e, e},
                          {},
                          {*k, *v},
                          pivot::WeightSlot::Combine::Stack});
  } else {
    plan.slots.push_back(slot(attr + ".q_proj_weight", *q));
    plan.slots.push_back(slot(attr + ".k_proj_weight", *k));
    plan.slots.push_back(slot(attr + ".v_proj_weight", *v));
  }
  auto qb = id("query_bias"), kb = id("key_bias"), vb = id("value_bias"), ob = id("output_bias");
  if (qb && kb && vb)
    plan.slots.push_back({attr + ".in_proj_bias",
                          *qb,
                          {},
                          {3 * e},
                          {},
                          {*kb, *vb},
                          pivot::WeightSlot::Combine::Stack});
  plan.slots.push_back(slot(attr + ".out_proj.weight", *o));
  if (ob) plan.slots.push_back(slot(attr + ".out_proj.bias", *ob));
  (void)graph;
  return true;
}

}  // namespace

bool plan_layer_params(const pivot::Graph& graph, const pivot::Node& node, const std::string& attr,
                       pivot::WeightPlan& plan, std::string& error) {
  if (node.kind == OpKind::MultiHeadAttention)
    return plan_attention(graph, node, attr, plan, error);
  for (const auto& [role, id] : node.params) {
    pivot::WeightSlot slot;
    slot.target_name = attr + "." + role;
    slot.param = id;
    plan.slots.push_back(slot);
    // nn.LSTM/GRU/RNN always own both biases; a source with one bias per layer (Keras LSTM,
    // SimpleRNN) fills bias_ih only, and bias_ih + bias_hh must equal it: bias_hh is zero.
    const bool recurrent =
        node.kind == OpKind::Lstm || node.kind == OpKind::Gru || node.kind == OpKind::Rnn;
    if (recurrent && role.starts_with("bias_ih")) {
      const std::string hh = "bias_hh" + role.substr(7);
      if (!node.params.count(hh)) {
        slot.target_name = attr + "." + hh;
        slot.zeros = true;
        plan.slots.push_back(slot);
      }
    }
  }
  return true;
}

}  // namespace nnport::writers::pytorch
