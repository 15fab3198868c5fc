// Stacked recurrent layers back into one node (see merge_stacked_recurrent.h).
#include "passes/merge_stacked_recurrent.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pivot/ops/catalog.h"

namespace nnport::passes {
namespace {

using pivot::Graph;
using pivot::Node;
using pivot::OpKind;
using pivot::ValueId;

bool is_recurrent(OpKind kind) {
  return kind == OpKind::Lstm || kind == OpKind::Gru || kind == OpKind::Rnn;
}

bool is_output(const Graph& g, ValueId v) {
  return std::any_of(g.outputs.begin(), g.outputs.end(),
                     [&](const pivot::Port& p) { return p.value == v; });
}

// The attribute's value, or the catalog default when the node does not set it.
pivot::AttrValue attr_or_default(const Node& n, const std::string& name) {
  if (auto it = n.attrs.find(name); it != n.attrs.end()) return it->second;
  const auto* spec = pivot::schema(n.kind).find_attr(name);
  return spec ? spec->default_value : pivot::AttrValue{};
}

// nn.LSTM / nn.GRU / nn.RNN have num_layers only with their own activations; a stack of
// Keras-only activations stays one custom cell per layer.
bool torch_semantics(const Node& n) {
  if (n.kind == OpKind::Rnn) return true;
  if (pivot::attr_string(n, "activation") != "tanh" ||
      pivot::attr_string(n, "recurrent_activation") != "sigmoid")
    return false;
  return n.kind != OpKind::Gru || pivot::attr_bool(n, "reset_after");
}

bool one_layer(const Node& n) {
  // A masked layer compacts its own input (mask_input): kept as one nn module per Keras layer.
  return is_recurrent(n.kind) && pivot::attr_int(n, "num_layers") == 1 && torch_semantics(n) &&
         pivot::attr_float(n, "dropout") == 0.0 && !pivot::attr_bool(n, "mask_input");
}

bool same_layers(const Node& a, const Node& b) {
  if (a.kind != b.kind) return false;
  for (const char* name : {"hidden_size", "bidirectional", "bias", "lengths_input", "activation",
                           "recurrent_activation", "nonlinearity", "reset_after"})
    if (!pivot::schema(a.kind).find_attr(name))
      continue;
    else if (!(attr_or_default(a, name) == attr_or_default(b, name)))
      return false;
  return true;
}

int64_t dirs_of(const Node& n) { return pivot::attr_bool(n, "bidirectional") ? 2 : 1; }

size_t state_count(const Node& n) {
  return n.inputs.size() - 1 - (pivot::attr_bool(n, "lengths_input") ? 1 : 0);
}

// Whether `reader` reads the last step of a unidirectional, unmasked sequence (out[:, -1], a
// select or a squeezing one-step slice): that is the layer's final state.
bool reads_last_step(const Graph& g, const Node& layer, const Node& reader) {
  if (dirs_of(layer) != 1 || pivot::attr_bool(layer, "lengths_input") ||
      pivot::attr_bool(layer, "mask_input"))
    return false;
  const auto& t = g.values[layer.outputs[0]].type;
  const int64_t steps = t.rank_known && t.rank() == 3 ? t.shape[1] : pivot::kUnknown;
  auto last = [&](int64_t index) { return index == -1 || (steps >= 0 && index == steps - 1); };
  if (reader.kind == OpKind::Select)
    return pivot::attr_int(reader, "axis") == 1 && last(pivot::attr_int(reader, "index"));
  if (reader.kind != OpKind::Slice) return false;
  const std::vector<int64_t> one = {1};
  if (pivot::attr_ints(reader, "axes") != one || pivot::attr_ints(reader, "steps") != one ||
      pivot::attr_ints(reader, "squeeze_axes") != one)
    return false;
  const int64_t start = pivot::attr_ints(reader, "starts")[0];
  const int64_t stop = pivot::attr_ints(reader, "stops")[0];
  return last(start) && (stop == pivot::kSliceEnd || (steps >= 0 && stop >= steps));
}

// Row d of a final state of one layer, when `reader` reads exactly one row; nullopt otherwise.
std::optional<int64_t> state_row(const Node& layer, const Node& reader) {
  const int64_t dirs = dirs_of(layer);
  if (reader.kind == OpKind::Select && pivot::attr_int(reader, "axis") == 0) {
    const int64_t index = pivot::attr_int(reader, "index");
    if (index < -dirs || index >= dirs) return std::nullopt;
    return index < 0 ? index + dirs : index;
  }
  if (reader.kind == OpKind::Squeeze && dirs == 1 &&
      pivot::attr_ints(reader, "axes") == std::vector<int64_t>{0})
    return 0;
  return std::nullopt;
}

struct Stack {
  std::vector<size_t> layers;  // node indices, layer order
  std::vector<size_t> links;   // node indices between the layers (dropouts, identities)
  double rate = 0.0;
};

// The layer reading `seq` through a path of single-reader links: identities (a Keras
// ZeroPaddedSteps between masked layers, which the recurrence's output already is) and at most
// one dropout. `links` gets the path, `dropout` the dropout on it; nullopt when `seq` does not
// feed exactly one layer so.
std::optional<size_t> next_layer(const Graph& g, ValueId seq, std::vector<size_t>& links,
                                 std::optional<size_t>& dropout) {
  links.clear();
  dropout.reset();
  std::optional<size_t> found;
  for (size_t u : g.users(seq)) {
    size_t at = u;
    std::vector<size_t> path;
    std::optional<size_t> rate_node;
    for (;;) {
      const Node& n = g.nodes[at];
      const bool dropout_link = n.kind == OpKind::Dropout && !pivot::attr_bool(n, "spatial");
      if (n.kind != OpKind::Identity && !dropout_link) break;
      if (dropout_link && rate_node) break;
      const auto after = g.users(n.outputs[0]);
      if (n.outputs.size() != 1 || after.size() != 1 || is_output(g, n.outputs[0])) break;
      path.push_back(at);
      if (dropout_link) rate_node = at;
      at = after[0];
    }
    const Node& end = g.nodes[at];
    const ValueId fed = path.empty() ? seq : g.nodes[path.back()].outputs[0];
    if (!is_recurrent(end.kind) || end.inputs[0] != fed) continue;
    if (found) return std::nullopt;
    found = at;
    links = path;
    dropout = rate_node;
  }
  return found;
}

// Whether every reader of layer `i`'s results can read the stacked node instead.
bool readers_fit(const Graph& g, size_t i, bool last, std::optional<size_t> next_reader) {
  const Node& layer = g.nodes[i];
  if (!last) {
    if (is_output(g, layer.outputs[0])) return false;
    for (size_t u : g.users(layer.outputs[0]))
      if (u != next_reader && !reads_last_step(g, layer, g.nodes[u])) return false;
  }
  for (size_t o = 1; o < layer.outputs.size(); ++o) {
    if (is_output(g, layer.outputs[o])) return false;
    for (size_t u : g.users(layer.outputs[o]))
      if (!state_row(layer, g.nodes[u])) return false;
  }
  return true;
}

std::optional<Stack> find_stack(const Graph& g, size_t first, const std::set<size_t>& taken) {
  const Node& base = g.nodes[first];
  if (!one_layer(base) || taken.count(first)) return std::nullopt;
  Stack stack;
  stack.layers = {first};
  bool with_dropout = false;
  for (int64_t k = 1;; ++k) {
    const Node& prev = g.nodes[stack.layers.back()];
    std::optional<size_t> dropout;
    std::vector<size_t> links;
    const auto next = next_layer(g, prev.outputs[0], links, dropout);
    if (!next || taken.count(*next)) break;
    const Node& n = g.nodes[*next];
    if (!one_layer(n) || !same_layers(base, n) ||
        n.module_path != base.module_path + "_l" + std::to_string(k) ||
        pivot::attr_int(n, "input_size") != dirs_of(base) * pivot::attr_int(base, "hidden_size") ||
        state_count(n) != state_count(base))
      break;
    if (pivot::attr_bool(base, "lengths_input") && n.inputs.back() != base.inputs.back()) break;
    const double rate = dropout ? pivot::attr_float(g.nodes[*dropout], "rate") : 0.0;
    if (k == 1) {
      with_dropout = dropout.has_value();
      stack.rate = rate;
    } else if (with_dropout != dropout.has_value() || rate != stack.rate) {
      break;
    }
    const size_t link = links.empty() ? *next : links.front();
    if (!readers_fit(g, stack.layers.back(), false, link)) break;
    stack.links.insert(stack.links.end(), links.begin(), links.end());
    stack.layers.push_back(*next);
  }
  if (stack.layers.size() < 2 || !readers_fit(g, stack.layers.back(), true, std::nullopt))
    return std::nullopt;
  return stack;
}

// Whether `n` is x[:, row] (a select, or a one-element slice squeezing axis 1).
bool cuts_row(const Node& n, int64_t row) {
  if (n.kind == OpKind::Select)
    return pivot::attr_int(n, "axis") == 1 && pivot::attr_int(n, "index") == row;
  if (n.kind != OpKind::Slice) return false;
  const std::vector<int64_t> one = {1};
  return pivot::attr_ints(n, "axes") == one && pivot::attr_ints(n, "steps") == one &&
         pivot::attr_ints(n, "squeeze_axes") == one &&
         pivot::attr_ints(n, "starts") == std::vector<int64_t>{row} &&
         pivot::attr_ints(n, "stops") == std::vector<int64_t>{row + 1};
}

// The batch-first tensor (N, rows, H) whose rows, in order, are the per-layer initial states
// `states` (each a row cut by select and unsqueezed, or two rows stacked); nullopt otherwise.
std::optional<ValueId> rows_source(const Graph& g, const std::vector<ValueId>& states,
                                   int64_t dirs) {
  std::optional<ValueId> source;
  int64_t next_row = 0;
  auto take_row = [&](ValueId v) {
    const int p = g.producer(v);
    if (p < 0) return false;
    const Node& sel = g.nodes[static_cast<size_t>(p)];
    const int64_t row = next_row++;
    if (!cuts_row(sel, row)) return false;
    if (source && *source != sel.inputs[0]) return false;
    source = sel.inputs[0];
    return true;
  };
  for (ValueId s : states) {
    const int p = g.producer(s);
    if (p < 0) return std::nullopt;
    const Node& n = g.nodes[static_cast<size_t>(p)];
    if (dirs == 1 && n.kind == OpKind::Unsqueeze &&
        pivot::attr_ints(n, "axes") == std::vector<int64_t>{1}) {
      if (!take_row(n.inputs[0])) return std::nullopt;
    } else if (dirs == 2 && n.kind == OpKind::Stack && pivot::attr_int(n, "axis") == 1 &&
               n.inputs.size() == 2) {
      if (!take_row(n.inputs[0]) || !take_row(n.inputs[1])) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  const auto& t = g.values[*source].type;
  if (!t.rank_known || t.rank() != 3 || t.shape[1] != next_row) return std::nullopt;
  return source;
}

// Nodes in an order where every value is defined before it is used, keeping the given order
// wherever it already is one.
void restore_topological_order(Graph& g) {
  std::vector<pivot::Node> ordered;
  std::vector<bool> placed(g.nodes.size(), false);
  std::set<ValueId> defined;
  for (const auto& port : g.inputs) defined.insert(port.value);
  std::set<ValueId> produced;
  for (const auto& n : g.nodes) produced.insert(n.outputs.begin(), n.outputs.end());
  while (ordered.size() < g.nodes.size()) {
    bool progress = false;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      if (placed[i]) continue;
      const auto& n = g.nodes[i];
      const bool ready = std::all_of(n.inputs.begin(), n.inputs.end(), [&](ValueId v) {
        return defined.count(v) || !produced.count(v);
      });
      if (!ready) continue;
      placed[i] = true;
      defined.insert(n.outputs.begin(), n.outputs.end());
      ordered.push_back(n);
      progress = true;
      break;  // restart from the front: earlier nodes keep going first
    }
    if (!progress) return;  // a cycle cannot come from this pass; leave the graph to the verifier
  }
  g.nodes = std::move(ordered);
}

void merge(Graph& g, const Stack& stack, std::set<size_t>& removed) {
  const Node& first = g.nodes[stack.layers.front()];
  const Node& last = g.nodes[stack.layers.back()];
  const int64_t layers = static_cast<int64_t>(stack.layers.size());
  const int64_t dirs = dirs_of(first);
  const bool masked = pivot::attr_bool(first, "lengths_input");

  Node merged;
  merged.kind = first.kind;
  merged.name = first.name;
  merged.module_path = first.module_path;
  merged.location = first.location;
  merged.attrs = first.attrs;
  merged.attrs["num_layers"] = layers;
  if (stack.rate != 0.0) merged.attrs["dropout"] = stack.rate;
  merged.inputs.push_back(first.inputs[0]);
  merged.outputs.push_back(last.outputs[0]);
  for (size_t o = 1; o < first.outputs.size(); ++o)
    merged.outputs.push_back(g.add_value(first.name + (o == 1 ? "_h_n" : "_c_n"), {}));

  // Initial states: the rows of the tensor they were cut from, or their concatenation.
  std::vector<Node> added;
  for (size_t s = 0; s < state_count(first); ++s) {
    std::vector<ValueId> per_layer;
    for (size_t i : stack.layers) per_layer.push_back(g.nodes[i].inputs[1 + s]);
    if (auto source = rows_source(g, per_layer, dirs)) {
      merged.inputs.push_back(*source);
      continue;
    }
    Node cat;
    cat.kind = OpKind::Concat;
    cat.name = first.name + "_state" + std::to_string(s);
    cat.location = first.location;
    cat.attrs["axis"] = int64_t{1};
    cat.inputs = per_layer;
    cat.outputs.push_back(g.add_value(cat.name, {}));
    merged.inputs.push_back(cat.outputs[0]);
    added.push_back(std::move(cat));
  }
  if (masked) merged.inputs.push_back(first.inputs.back());

  for (int64_t k = 0; k < layers; ++k) {
    const size_t index = stack.layers[static_cast<size_t>(k)];
    // Copies: the readers below are edited in place.
    const Node layer = g.nodes[index];
    for (const auto& [role, id] : layer.params) {
      std::string stacked = role;
      if (const auto at = stacked.find("_l0"); at != std::string::npos)
        stacked.replace(at, 3, "_l" + std::to_string(k));
      merged.params[stacked] = id;
    }
    if (k + 1 < layers)
      for (size_t u : g.users(layer.outputs[0])) {
        Node& reader = g.nodes[u];
        if (!reads_last_step(g, layer, reader)) continue;
        reader.kind = OpKind::Select;
        reader.inputs = {merged.outputs[1]};
        reader.attrs = {{"axis", int64_t{0}}, {"index", k}};
      }
    for (size_t o = 1; o < layer.outputs.size(); ++o)
      for (size_t u : g.users(layer.outputs[o])) {
        Node& reader = g.nodes[u];
        const int64_t row = *state_row(layer, reader);
        reader.kind = OpKind::Select;
        reader.inputs[0] = merged.outputs[o];
        reader.attrs = {{"axis", int64_t{0}}, {"index", k * dirs + row}};
      }
    removed.insert(index);
  }
  for (size_t l : stack.links) removed.insert(l);
  g.nodes[stack.layers.back()] = std::move(merged);
  removed.erase(stack.layers.back());
  for (auto& n : added) g.nodes.push_back(std::move(n));
}

// Nodes that only cut rows for the old per-layer states (`cuts`: their outputs), no longer read.
void remove_unread_state_cuts(Graph& g, const std::set<ValueId>& cuts) {
  for (bool again = true; again;) {
    again = false;
    for (size_t i = g.nodes.size(); i-- > 0;) {
      const Node& n = g.nodes[i];
      if (n.outputs.size() != 1 || !cuts.count(n.outputs[0])) continue;
      if (!g.users(n.outputs[0]).empty() || is_output(g, n.outputs[0])) continue;
      g.nodes.erase(g.nodes.begin() + static_cast<long>(i));
      again = true;
    }
  }
}

// The old per-layer state values and the row cuts (select, slice, unsqueeze, stack) computing
// them.
std::set<ValueId> state_cuts(const Graph& g, const std::vector<Stack>& stacks) {
  std::set<ValueId> cuts;
  std::vector<ValueId> todo;
  for (const auto& stack : stacks)
    for (size_t i : stack.layers)
      for (size_t s = 1; s < 1 + state_count(g.nodes[i]); ++s) todo.push_back(g.nodes[i].inputs[s]);
  while (!todo.empty()) {
    const ValueId v = todo.back();
    todo.pop_back();
    const int p = g.producer(v);
    if (p < 0) continue;
    const Node& n = g.nodes[static_cast<size_t>(p)];
    if (n.kind != OpKind::Select && n.kind != OpKind::Slice && n.kind != OpKind::Unsqueeze &&
        n.kind != OpKind::Stack)
      continue;
    if (!cuts.insert(v).second) continue;
    todo.insert(todo.end(), n.inputs.begin(), n.inputs.end());
  }
  return cuts;
}

int merge_in(Graph& g) {
  std::set<size_t> taken;
  std::vector<Stack> stacks;
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    auto stack = find_stack(g, i, taken);
    if (!stack) continue;
    taken.insert(stack->layers.begin(), stack->layers.end());
    stacks.push_back(std::move(*stack));
  }
  if (stacks.empty()) return 0;
  // Which nodes cut the old states is decided before any rewrite.
  const std::set<ValueId> cuts = state_cuts(g, stacks);
  std::set<size_t> removed;
  for (const auto& stack : stacks) merge(g, stack, removed);
  std::vector<Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (!removed.count(i)) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  remove_unread_state_cuts(g, cuts);
  restore_topological_order(g);
  return static_cast<int>(stacks.size());
}

}  // namespace

int merge_stacked_recurrent(pivot::Model& model) {
  int merged = 0;
  for (auto& module : model.modules) merged += merge_in(module.graph);
  return merged;
}

}  // namespace nnport::passes
