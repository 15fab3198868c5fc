// Peephole simplifications (see simplify.h).
#include "passes/simplify.h"

#include <algorithm>

#include "pivot/ops/catalog.h"

namespace nnport::passes {
namespace {

using pivot::Graph;
using pivot::OpKind;
using pivot::ValueId;

bool is_reduction(OpKind kind) {
  return kind == OpKind::ReduceMean || kind == OpKind::ReduceMax || kind == OpKind::ReduceSum;
}

// Replaces every use of `from` (node inputs and graph outputs) by `to`.
void replace_uses(Graph& g, ValueId from, ValueId to) {
  for (auto& n : g.nodes)
    for (auto& in : n.inputs)
      if (in == from) in = to;
  for (auto& p : g.outputs)
    if (p.value == from) p.value = to;
}

bool is_graph_output(const Graph& g, ValueId v) {
  return std::any_of(g.outputs.begin(), g.outputs.end(),
                     [&](const pivot::Port& p) { return p.value == v; });
}

// Flattening a keepdims reduction whose non-batch kept axes are all reduced: the flatten only
// removes unit axes, so dropping keepdims gives the same tensor.
bool fold_keepdims_flatten(Graph& g, size_t flatten_index) {
  pivot::Node& flat = g.nodes[flatten_index];
  if (flat.kind != OpKind::Flatten) return false;
  const ValueId in = flat.inputs[0];
  const int producer = g.producer(in);
  if (producer < 0 || g.users(in).size() != 1 || is_graph_output(g, in)) return false;
  pivot::Node& reduce = g.nodes[static_cast<size_t>(producer)];
  if (!is_reduction(reduce.kind) || !pivot::attr_bool(reduce, "keepdims")) return false;
  const auto& t = g.values[in].type;
  if (!t.rank_known || t.rank() < 2) return false;
  auto start = pivot::normalize_axis(pivot::attr_int(flat, "start_dim"), t.rank());
  auto end = pivot::normalize_axis(pivot::attr_int(flat, "end_dim"), t.rank());
  if (!start || !end || *start != 1 || *end != t.rank() - 1) return false;
  // After dropping the reduced axes exactly one non-batch axis may remain: then the result of
  // the reduction without keepdims already has rank 2, like the flatten's.
  const auto& axes = pivot::attr_ints(reduce, "axes");
  std::vector<bool> reduced(t.rank(), false);
  for (int64_t a : axes)
    if (auto axis = pivot::normalize_axis(a, t.rank())) reduced[*axis] = true;
  if (reduced[0] || std::count(reduced.begin() + 1, reduced.end(), false) != 1) return false;
  reduce.attrs["keepdims"] = false;
  g.values[in].type = g.values[flat.outputs[0]].type;
  replace_uses(g, flat.outputs[0], in);
  flat.kind = OpKind::Identity;  // removed below
  flat.attrs.clear();
  return true;
}

void remove_identities(Graph& g) {
  // Users come after their producers, so rewiring in order resolves chains of identities.
  for (const auto& n : g.nodes)
    if (n.kind == OpKind::Identity && n.inputs.size() == 1 && n.outputs.size() == 1 &&
        n.params.empty())
      replace_uses(g, n.outputs[0], n.inputs[0]);
  std::erase_if(g.nodes, [](const pivot::Node& n) {
    return n.kind == OpKind::Identity && n.inputs.size() == 1 && n.outputs.size() == 1 &&
           n.params.empty();
  });
}

}  // namespace

void simplify(pivot::Model& model) {
  Graph& g = model.entry_module().graph;
  for (size_t i = 0; i < g.nodes.size(); ++i) fold_keepdims_flatten(g, i);
  remove_identities(g);
}

}  // namespace nnport::passes
