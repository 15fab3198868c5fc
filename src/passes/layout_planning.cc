// Layout planning for channels-last and channels-first targets (see layout_planning.h).
#include "passes/layout_planning.h"

#include <algorithm>
#include <map>
#include <set>

#include "passes/permutation.h"
#include "passes/shape_inference.h"
#include "pivot/ops/catalog.h"
#include "support/unique_names.h"

namespace nnport::passes {
namespace {

using pivot::Graph;
using pivot::Node;
using pivot::OpKind;
using pivot::ValueId;

bool is_unary_passthrough(OpKind kind) {
  switch (kind) {
    case OpKind::Relu:
    case OpKind::LeakyRelu:
    case OpKind::Sigmoid:
    case OpKind::Tanh:
    case OpKind::Gelu:
    case OpKind::Elu:
    case OpKind::Silu:
    case OpKind::Dropout:
    case OpKind::Identity:
    case OpKind::Relu6:
    case OpKind::Clip:
    case OpKind::Hardsigmoid:
    case OpKind::Hardswish:
    case OpKind::Mish:
    case OpKind::Selu:
    case OpKind::Softplus:
    case OpKind::Softsign:
    case OpKind::Threshold:
    case OpKind::Square:
    case OpKind::Sqrt:
    case OpKind::Abs:
    case OpKind::Exp:
    case OpKind::Log: return true;
    default: return false;
  }
}

bool is_spatial(OpKind kind) {
  return kind == OpKind::Conv || kind == OpKind::MaxPool || kind == OpKind::AvgPool ||
         kind == OpKind::ConvTranspose || kind == OpKind::Resize || kind == OpKind::DepthToSpace ||
         kind == OpKind::SpaceToDepth;
}

// Ops that accept any stored layout of their first input (axis attributes are rewritten).
bool is_layout_agnostic(OpKind kind) {
  return is_unary_passthrough(kind) || kind == OpKind::BatchNorm || kind == OpKind::GroupNorm ||
         kind == OpKind::Standardize || kind == OpKind::PRelu || kind == OpKind::Pad ||
         kind == OpKind::Add || kind == OpKind::Sub || kind == OpKind::Mul || kind == OpKind::Div;
}

// Flatten of all non-batch axes, or the equivalent reshape (N, -1).
bool is_batch_flatten(const Graph& g, const Node& n) {
  const auto& in = g.values[n.inputs[0]].type;
  if (!in.rank_known || in.rank() < 2) return false;
  if (n.kind == OpKind::Flatten) {
    auto start = pivot::normalize_axis(pivot::attr_int(n, "start_dim"), in.rank());
    auto end = pivot::normalize_axis(pivot::attr_int(n, "end_dim"), in.rank());
    return start && end && *start == 1 && *end == in.rank() - 1;
  }
  if (n.kind == OpKind::Reshape) {
    const auto& shape = pivot::attr_ints(n, "shape");
    return shape.size() == 2 && shape[0] == pivot::kBatch && shape[1] == pivot::kUnknown &&
           in.shape[0] == pivot::kBatch;
  }
  return false;
}

// The data format spatial ops run in, and the permutation taking a tensor of the other format
// to it.
struct Target {
  std::string data_format;  // "channels_last" | "channels_first"
  Perm change(size_t rank) const {
    return data_format == "channels_last" ? channels_last_perm(rank)
                                          : invert(channels_last_perm(rank));
  }
};

class Planner {
 public:
  Planner(const Graph& src, Target target, DiagnosticEngine& diags)
      : src_(src), target_(std::move(target)), diags_(diags) {
    new_id_.assign(src.values.size(), 0);
    perm_.assign(src.values.size(), {});
    dst_.params = src.params;
    for (const auto& n : src.nodes)
      for (const auto& [role, id] : n.params) ++param_uses_[id];
  }

  bool run(Graph& out) {
    for (const auto& port : src_.inputs) add_input(port);
    for (size_t i = 0; i < src_.nodes.size(); ++i)
      if (!plan_node(src_.nodes[i])) return false;
    for (const auto& port : src_.outputs) add_output(port);
    out = std::move(dst_);
    return true;
  }

 private:
  const Graph& src_;
  const Target target_;
  DiagnosticEngine& diags_;
  Graph dst_;
  std::vector<ValueId> new_id_;
  std::vector<Perm> perm_;  // empty = identity (or unknown rank)
  std::map<std::pair<ValueId, Perm>, ValueId> materialized_;
  std::map<pivot::ParamId, int> param_uses_;
  UniqueNames node_names_;

  size_t rank_of(ValueId v) const {
    const auto& t = src_.values[v].type;
    return t.rank_known ? t.rank() : 0;
  }
  Perm perm_of(ValueId v) const { return perm_[v].empty() ? identity_perm(rank_of(v)) : perm_[v]; }

  std::string unique_node_name(const std::string& base) { return node_names_.make_unique(base); }

  static pivot::TensorType permuted(const pivot::TensorType& t, const Perm& p) {
    if (!t.rank_known || p.size() != t.rank()) return t;
    pivot::TensorType out = t;
    for (size_t i = 0; i < p.size(); ++i) {
      out.shape[i] = t.shape[static_cast<size_t>(p[i])];
      if (t.layout.size() == t.rank()) out.layout[i] = t.layout[static_cast<size_t>(p[i])];
    }
    return out;
  }

  // The stored order a conv/pool of the source's data format needs in the target's.
  Perm spatial_perm(const Node& n, size_t rank) const {
    if (pivot::attr_string(n, "data_format") == target_.data_format) return identity_perm(rank);
    return target_.change(rank);
  }

  // The first conv/pool `v` reaches through layout-agnostic ops only, or nullptr.
  const Node* feeds_spatial(ValueId v) const {
    std::vector<ValueId> work = {v};
    std::set<ValueId> seen;
    while (!work.empty()) {
      ValueId cur = work.back();
      work.pop_back();
      if (!seen.insert(cur).second) continue;
      for (size_t u : src_.users(cur)) {
        const Node& n = src_.nodes[u];
        if (is_spatial(n.kind)) return &n;
        if (is_layout_agnostic(n.kind))
          for (ValueId o : n.outputs) work.push_back(o);
      }
    }
    return nullptr;
  }

  void add_input(const pivot::Port& port) {
    const auto& t = src_.values[port.value].type;
    Perm p = identity_perm(rank_of(port.value));
    if (t.rank_known && t.rank() >= 3)
      if (const Node* spatial = feeds_spatial(port.value)) p = spatial_perm(*spatial, t.rank());
    // Keras inputs are batch-first: an input with the batch elsewhere (an RNN initial state
    // (num_layers, N, hidden)) is fed with its batch axis moved to the front.
    if (t.rank_known && !t.shape.empty() && t.shape[0] != pivot::kBatch) {
      const auto batch = std::find(t.shape.begin(), t.shape.end(), pivot::kBatch);
      if (batch != t.shape.end()) {
        p = {batch - t.shape.begin()};
        for (size_t i = 0; i < t.rank(); ++i)
          if (static_cast<int64_t>(i) != p[0]) p.push_back(static_cast<int64_t>(i));
      }
    }
    ValueId id = dst_.add_value(src_.values[port.value].name, permuted(t, p));
    new_id_[port.value] = id;
    perm_[port.value] = p;
    dst_.inputs.push_back({port.name, id, p});
  }

  void add_output(const pivot::Port& port) {
    Perm p = perm_of(port.value);
    const size_t rank = rank_of(port.value);
    const bool natural = is_identity(p) || p == target_.change(rank);
    if (!natural) p = identity_perm(rank);
    // Keras outputs are batch-first: a time-major (T, N, ...) output is returned batch-first.
    const auto& shape = src_.values[port.value].type.shape;
    const auto batch = std::find(shape.begin(), shape.end(), pivot::kBatch);
    if (p.size() == shape.size() && !p.empty() && batch != shape.end() &&
        shape[static_cast<size_t>(p[0])] != pivot::kBatch) {
      p = {batch - shape.begin()};
      for (size_t i = 0; i < rank; ++i)
        if (static_cast<int64_t>(i) != p[0]) p.push_back(static_cast<int64_t>(i));
    }
    ValueId id = get(port.value, p, SourceLocation{});
    dst_.outputs.push_back({port.name, id, p});
  }

  // The dst value holding src value `v` stored as v.permute(want).
  ValueId get(ValueId v, const Perm& want, const SourceLocation& loc) {
    const Perm have = perm_of(v);
    if (have == want || want.size() != have.size()) return new_id_[v];
    auto key = std::make_pair(v, want);
    if (auto it = materialized_.find(key); it != materialized_.end()) return it->second;
    Node t;
    t.kind = OpKind::Transpose;
    t.name = unique_node_name("transpose");
    t.inputs = {new_id_[v]};
    t.attrs["perm"] = transpose_between(have, want);
    t.location = loc;
    const bool to_channels_first = is_identity(want) == (target_.data_format == "channels_last");
    ValueId out = dst_.add_value(src_.values[v].name + (to_channels_first ? "_nchw" : "_nhwc"),
                                 pivot::TensorType{});
    t.outputs = {out};
    dst_.nodes.push_back(std::move(t));
    infer_last();
    materialized_[key] = out;
    return out;
  }

  bool infer_last() {
    std::string error;
    if (!infer_node(dst_, dst_.nodes.size() - 1, error)) {
      const Node& n = dst_.nodes.back();
      diags_.error(Code::LayoutConflict, n.location)
          << "after layout planning, " << pivot::op_name(n.kind) << " '" << n.name
          << "': " << error;
      return false;
    }
    return true;
  }

  // Appends a copy of `n` with new inputs/attrs; its outputs are stored with `out_perm`.
  bool emit(const Node& n, std::vector<ValueId> inputs, pivot::Attrs attrs, const Perm& out_perm) {
    Node copy = n;
    copy.name = unique_node_name(n.name);
    copy.inputs = std::move(inputs);
    copy.attrs = std::move(attrs);
    copy.outputs.clear();
    for (ValueId o : n.outputs) {
      ValueId id = dst_.add_value(src_.values[o].name, pivot::TensorType{});
      copy.outputs.push_back(id);
      new_id_[o] = id;
      perm_[o] = out_perm;
    }
    dst_.nodes.push_back(std::move(copy));
    return infer_last();
  }

  static int64_t remap_axis(int64_t axis, const Perm& p) {
    auto a = pivot::normalize_axis(axis, p.size());
    if (!a) return axis;
    return invert(p)[*a];
  }

  // P restricted to the kept source axes, renumbered.
  static Perm restrict_perm(const Perm& p, const std::vector<bool>& kept) {
    std::vector<int64_t> renumber(p.size(), -1);
    int64_t next = 0;
    for (size_t a = 0; a < p.size(); ++a)
      if (kept[a]) renumber[a] = next++;
    Perm out;
    for (int64_t s : p)
      if (kept[static_cast<size_t>(s)]) out.push_back(renumber[static_cast<size_t>(s)]);
    return out;
  }

  // Linear nodes reached from a flatten output through unary elementwise ops, when those are
  // its only users and nothing else observes the flattened order.
  bool absorbing_linears(ValueId flat, std::vector<size_t>& linears) const {
    std::vector<ValueId> work = {flat};
    while (!work.empty()) {
      ValueId cur = work.back();
      work.pop_back();
      for (const auto& port : src_.outputs)
        if (port.value == cur) return false;
      auto users = src_.users(cur);
      if (users.empty()) return false;
      for (size_t u : users) {
        const Node& n = src_.nodes[u];
        if (is_unary_passthrough(n.kind)) {
          work.push_back(n.outputs[0]);
        } else if (n.kind == OpKind::Linear && n.inputs[0] == cur) {
          auto w = n.params.find("weight");
          if (w == n.params.end() || param_uses_.at(w->second) != 1) return false;
          linears.push_back(u);
        } else {
          return false;
        }
      }
    }
    return !linears.empty();
  }

  bool plan_flatten(const Node& n) {
    const ValueId x = n.inputs[0];
    const Perm p = perm_of(x);
    pivot::Node flat = n;
    pivot::Attrs attrs = n.attrs;
    if (n.kind == OpKind::Reshape) {  // (N, -1) is a flatten: say so, it reads better
      flat.kind = OpKind::Flatten;
      attrs.clear();
    }
    if (is_identity(p)) return emit(flat, {new_id_[x]}, attrs, {});
    const auto& shape = src_.values[x].type.shape;
    std::vector<int64_t> split(shape.begin() + 1, shape.end());
    const bool static_sizes =
        std::all_of(split.begin(), split.end(), [](int64_t d) { return d >= 0; });
    if (p[0] == 0 && static_sizes) {
      pivot::WeightTransform transform{1, split, {}};
      for (size_t i = 1; i < p.size(); ++i) transform.perm.push_back(p[i] - 1);
      // Axes of size 1 do not change the element order ((N, 1, 1, C) flattens like
      // (N, C, 1, 1)): then the stored order already is the source order.
      std::vector<int64_t> moved;
      for (int64_t s : transform.perm)
        if (split[static_cast<size_t>(s)] != 1) moved.push_back(s);
      if (std::is_sorted(moved.begin(), moved.end())) return emit(flat, {new_id_[x]}, attrs, {});
      std::vector<size_t> linears;
      if (absorbing_linears(n.outputs[0], linears)) {
        for (size_t l : linears)
          dst_.params[src_.nodes[l].params.at("weight")].transforms.push_back(transform);
        return emit(flat, {new_id_[x]}, attrs, {});
      }
    }
    return emit(flat, {get(x, identity_perm(p.size()), n.location)}, attrs, {});
  }

  bool plan_node(const Node& n) {
    if (n.inputs.empty()) return emit(n, {}, n.attrs, {});
    const ValueId x = n.inputs[0];
    const Perm p = perm_of(x);
    pivot::Attrs attrs = n.attrs;
    switch (n.kind) {
      case OpKind::Conv:
      case OpKind::MaxPool:
      case OpKind::AvgPool:
      case OpKind::ConvTranspose:
      case OpKind::Resize:
      case OpKind::DepthToSpace:  // the channel order (mode) is the same in either layout
      case OpKind::SpaceToDepth:
      case OpKind::RandomAugment: {  // flips the image axes its data_format names
        const Perm want = spatial_perm(n, rank_of(x));
        attrs["data_format"] = target_.data_format;
        return emit(n, {get(x, want, n.location)}, attrs, want);
      }
      case OpKind::BatchNorm:
      case OpKind::GroupNorm:
      case OpKind::PRelu:
      case OpKind::Standardize:
        attrs["axis"] = remap_axis(pivot::attr_int(n, "axis"), p);
        return emit(n, {new_id_[x]}, attrs, p);
      case OpKind::Pad: {
        // Pads of the trailing axes, expanded to every axis and listed in stored order.
        const auto& pads = pivot::attr_ints(n, "pads");
        if (p.empty() || pads.size() > 2 * p.size()) return emit_in_source_order(n);
        std::vector<int64_t> full(2 * p.size() - pads.size(), 0);
        full.insert(full.end(), pads.begin(), pads.end());
        std::vector<int64_t> stored;
        for (int64_t s : p) {
          stored.push_back(full[2 * static_cast<size_t>(s)]);
          stored.push_back(full[2 * static_cast<size_t>(s) + 1]);
        }
        attrs["pads"] = stored;
        return emit(n, {new_id_[x]}, attrs, p);
      }
      case OpKind::Softmax:
      case OpKind::LogSoftmax:
        attrs["axis"] = remap_axis(pivot::attr_int(n, "axis"), p);
        return emit(n, {new_id_[x]}, attrs, p);
      case OpKind::Concat: {
        std::vector<ValueId> ins;
        for (ValueId v : n.inputs) {
          if (rank_of(v) != p.size()) return emit_in_source_order(n);
          ins.push_back(get(v, p, n.location));
        }
        attrs["axis"] = remap_axis(pivot::attr_int(n, "axis"), p);
        return emit(n, ins, attrs, p);
      }
      case OpKind::Add:
      case OpKind::Sub:
      case OpKind::Mul:
      case OpKind::Div: {
        if (n.inputs.size() == 1) return emit(n, {new_id_[x]}, attrs, p);
        if (rank_of(n.inputs[1]) != p.size()) return emit_in_source_order(n);
        return emit(n, {new_id_[x], get(n.inputs[1], p, n.location)}, attrs, p);
      }
      case OpKind::ReduceMean:
      case OpKind::ReduceMax:
      case OpKind::ReduceSum: {
        std::vector<int64_t> axes;
        std::vector<bool> kept(p.size(), true);
        for (int64_t a : pivot::attr_ints(n, "axes")) {
          auto axis = pivot::normalize_axis(a, p.size());
          if (!axis) return emit_in_source_order(n);
          kept[*axis] = false;
          axes.push_back(invert(p)[*axis]);
        }
        std::sort(axes.begin(), axes.end());
        attrs["axes"] = axes;
        const Perm out = pivot::attr_bool(n, "keepdims") ? p : restrict_perm(p, kept);
        return emit(n, {new_id_[x]}, attrs, out);
      }
      case OpKind::Slice: return plan_slice(n);
      case OpKind::Flip: {
        std::vector<int64_t> axes;
        for (int64_t a : pivot::attr_ints(n, "axes")) {
          auto axis = pivot::normalize_axis(a, p.size());
          if (!axis) return emit_in_source_order(n);
          axes.push_back(invert(p)[*axis]);
        }
        std::sort(axes.begin(), axes.end());
        attrs["axes"] = axes;
        return emit(n, {new_id_[x]}, attrs, p);
      }
      case OpKind::L2Normalize:
        attrs["axis"] = remap_axis(pivot::attr_int(n, "axis"), p);
        return emit(n, {new_id_[x]}, attrs, p);
      case OpKind::Maximum:
      case OpKind::Minimum:
        if (n.inputs.size() == 1) return emit(n, {new_id_[x]}, attrs, p);  // constant operand
        if (rank_of(n.inputs[1]) != p.size()) return emit_in_source_order(n);
        return emit(n, {new_id_[x], get(n.inputs[1], p, n.location)}, attrs, p);
      case OpKind::Squeeze: {
        const auto& shape = src_.values[x].type.shape;
        std::vector<bool> kept(p.size(), true);
        std::vector<int64_t> axes;
        for (int64_t a : pivot::attr_ints(n, "axes")) {
          auto axis = pivot::normalize_axis(a, p.size());
          if (!axis || shape[*axis] != 1) return emit_in_source_order(n);
          kept[*axis] = false;
          axes.push_back(invert(p)[*axis]);
        }
        attrs["axes"] = axes;
        return emit(n, {new_id_[x]}, attrs, restrict_perm(p, kept));
      }
      case OpKind::Linear:
        if (!p.empty() && p.back() != static_cast<int64_t>(p.size() - 1))
          return emit_in_source_order(n);
        return emit(n, {new_id_[x]}, attrs, p);
      case OpKind::Embedding: {
        // A lookup per index: the output keeps the indices' stored order, features last.
        if (p.empty()) return emit(n, {new_id_[x]}, attrs, {});
        Perm out = p;
        out.push_back(static_cast<int64_t>(p.size()));
        return emit(n, {new_id_[x]}, attrs, out);
      }
      case OpKind::AddParam: return plan_add_param(n);
      case OpKind::LayerNorm: {
        // Normalises the trailing axes: any stored order that keeps them trailing works, so a
        // (T, N, E) tensor kept batch-first by a transpose stays batch-first.
        const size_t k = pivot::attr_ints(n, "normalized_shape").size();
        bool trailing = k <= p.size();
        for (size_t i = p.size() - std::min(k, p.size()); trailing && i < p.size(); ++i)
          trailing = p[i] == static_cast<int64_t>(i);
        if (!trailing) return emit_in_source_order(n);
        return emit(n, {new_id_[x]}, attrs, p);
      }
      case OpKind::Transpose: {
        // No code: the stored tensor stays as it is; only its permutation relative to the
        // source changes. out = in.permute(Q) and stored_in = in.permute(P_in) give
        // stored_in = out.permute(Q^-1 o P_in).
        const auto& q = pivot::attr_ints(n, "perm");
        if (q.size() != p.size()) return emit_in_source_order(n);
        const Perm q_inv = invert(q);
        Perm out(p.size());
        for (size_t i = 0; i < p.size(); ++i) out[i] = q_inv[static_cast<size_t>(p[i])];
        new_id_[n.outputs[0]] = new_id_[x];
        perm_[n.outputs[0]] = out;
        return true;
      }
      case OpKind::Flatten:
      case OpKind::Reshape:
        if (is_batch_flatten(src_, n)) return plan_flatten(n);
        return emit_in_source_order(n);
      default:
        if (is_unary_passthrough(n.kind)) return emit(n, {new_id_[x]}, attrs, p);
        return emit_in_source_order(n);
    }
  }

  // x + value: with x stored permuted, the value is permuted alike where it is added (the op's
  // perm), so a sequence-first positional encoding does not force x back to (T, N, E), and the
  // stored tensor keeps its source layout: a (T, 1, E) buffer stays (T, 1, E) in the weights
  // file, and a migration back finds the layout it came from.
  bool plan_add_param(const Node& n) {
    const ValueId x = n.inputs[0];
    const Perm p = perm_of(x);
    const auto& shape = pivot::attr_ints(n, "shape");
    if (is_identity(p) || p.size() < shape.size() || !n.params.count("value"))
      return emit_in_source_order(n);
    // The value covers the trailing axes; p must keep the leading (broadcast) ones in place.
    const size_t offset = p.size() - shape.size();
    Perm q;
    for (size_t i = 0; i < p.size(); ++i) {
      if (i < offset && p[i] != static_cast<int64_t>(i)) return emit_in_source_order(n);
      if (i >= offset) q.push_back(p[i] - static_cast<int64_t>(offset));
    }
    for (int64_t a : q)
      if (a < 0) return emit_in_source_order(n);
    // value.permute(perm).permute(q) == value.permute([perm[q[i]]]).
    Perm perm = pivot::attr_ints(n, "perm");
    if (perm.empty()) perm = identity_perm(shape.size());
    if (perm.size() != q.size()) return emit_in_source_order(n);
    Perm composed;
    for (int64_t a : q) composed.push_back(perm[static_cast<size_t>(a)]);
    pivot::Attrs attrs = n.attrs;
    attrs["perm"] = is_identity(composed) ? Perm{} : composed;
    return emit(n, {new_id_[x]}, attrs, p);
  }

  // A slice works on the stored tensor with its axes renamed; indexed axes drop out of the
  // permutation like reduced ones.
  bool plan_slice(const Node& n) {
    const ValueId x = n.inputs[0];
    const Perm p = perm_of(x);
    if (is_identity(p)) return emit(n, {new_id_[x]}, n.attrs, {});
    pivot::Attrs attrs = n.attrs;
    std::vector<int64_t> axes;
    for (int64_t a : pivot::attr_ints(n, "axes")) {
      auto axis = pivot::normalize_axis(a, p.size());
      if (!axis) return emit_in_source_order(n);
      axes.push_back(invert(p)[*axis]);
    }
    std::vector<bool> kept(p.size(), true);
    std::vector<int64_t> squeezed;
    for (int64_t a : pivot::attr_ints(n, "squeeze_axes")) {
      auto axis = pivot::normalize_axis(a, p.size());
      if (!axis) return emit_in_source_order(n);
      kept[*axis] = false;
      squeezed.push_back(invert(p)[*axis]);
    }
    attrs["axes"] = axes;
    attrs["squeeze_axes"] = squeezed;
    return emit(n, {new_id_[x]}, attrs, restrict_perm(p, kept));
  }

  // Inputs in source order; outputs in source order.
  bool emit_in_source_order(const Node& n) {
    std::vector<ValueId> ins;
    for (ValueId v : n.inputs) ins.push_back(get(v, identity_perm(rank_of(v)), n.location));
    return emit(n, ins, n.attrs, {});
  }
};

}  // namespace

namespace {

bool plan_layout(pivot::Model& model, const Target& target, DiagnosticEngine& diags) {
  auto& module = model.entry_module();
  for (const auto& n : module.graph.nodes) {
    if (n.kind == OpKind::Call) {
      diags.error(Code::VerifierFailure, n.location) << "layout planning needs a flat graph";
      return false;
    }
  }
  Planner planner(module.graph, target, diags);
  Graph planned;
  if (!planner.run(planned)) return false;
  module.graph = std::move(planned);
  return true;
}

// Whether some op is bound to a data format other than `target` (only those need a plan).
bool needs_planning(const Graph& g, const Target& target) {
  for (const auto& n : g.nodes) {
    if (!pivot::schema(n.kind).find_attr("data_format")) continue;
    if (pivot::attr_string(n, "data_format") != target.data_format) return true;
  }
  return false;
}

}  // namespace

bool plan_channels_last(pivot::Model& model, DiagnosticEngine& diags) {
  return plan_layout(model, Target{"channels_last"}, diags);
}

bool plan_channels_first(pivot::Model& model, DiagnosticEngine& diags) {
  const Target target{"channels_first"};
  auto& g = model.entry_module().graph;
  if (needs_planning(g, target)) return plan_layout(model, target, diags);
  // Already channels-first (a PyTorch source): the graph stays as written.
  for (auto* ports : {&g.inputs, &g.outputs})
    for (auto& port : *ports) {
      const auto& t = g.values[port.value].type;
      port.source_to_target_perm = identity_perm(t.rank_known ? t.rank() : 0);
    }
  return true;
}

}  // namespace nnport::passes
