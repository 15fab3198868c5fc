// forward() tensor indexing and combining: x[...] subscripts, stack / split / chunk / unbind,
// expand / repeat, elementwise max / min, F.normalize, harmless casts, and reshapes that fold
// time into the batch and back (`b, t, f = x.shape; x.view(b * t, f)`).
//
// Folding: a size that is the batch times a constant is a Dim value with `scale`; a tensor axis
// of such a size is stored as pivot::kUnknown and remembered in `folded_` (axis -> scale), so a
// later `view(b, t, -1)` can be resolved exactly. Only axis 0 is carried through other ops.
#include <algorithm>
#include <cmath>

#include "pivot/ops/catalog.h"
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;
using syntax::Kind;

namespace {

// Sizes given as one sequence or as several positional arguments.
std::vector<TValue> sizes_of(const CallArgs& args, const char* keyword) {
  const TValue* kw = args.keyword(keyword);
  if (args.positional.size() == 1 || (args.positional.empty() && kw)) {
    const TValue& one = args.positional.size() == 1 ? args.positional[0] : *kw;
    if (one.kind == TValue::Kind::Tuple) return one.items;
    if (one.kind == TValue::Kind::Const && one.constant.is_sequence()) {
      std::vector<TValue> items;
      for (const auto& c : one.constant.items) items.push_back(TValue::of_const(c));
      return items;
    }
  }
  return args.positional;
}

bool is_float_dtype(const std::string& q) {
  return q == "torch.float32" || q == "torch.float" || q == "torch.float64" ||
         q == "torch.double" || q == "torch.float16" || q == "torch.half" || q == "torch.bfloat16";
}

// Element count as batch^power * factor; nullopt when a size is only known at run time.
struct SymbolicCount {
  int power = 0;
  int64_t factor = 1;
};

}  // namespace

bool Tracer::recurrent_result(pivot::ValueId v) const {
  for (int guard = 0; guard < 8; ++guard) {
    const int p = g_.producer(v);
    if (p < 0) return false;
    const pivot::Node& n = g_.nodes[static_cast<size_t>(p)];
    if (n.kind == OpKind::Lstm || n.kind == OpKind::Gru || n.kind == OpKind::Rnn) return true;
    if ((n.kind != OpKind::Transpose && n.kind != OpKind::Select) || n.inputs.empty()) return false;
    v = n.inputs[0];
  }
  return false;
}

TValue Tracer::dim_value(pivot::ValueId v, size_t axis) const {
  const auto& t = type_of(v);
  const int64_t d = t.shape[axis];
  if (d >= 0) return TValue::of_const(Constant::integer(d));
  if (d == pivot::kBatch) return TValue::of_dim(pivot::kBatch);
  if (auto it = folded_.find(v); it != folded_.end())
    if (auto f = it->second.find(axis); f != it->second.end()) {
      TValue out = TValue::of_dim(pivot::kBatch);
      out.scale = f->second;
      return out;
    }
  return TValue::of_dim(pivot::kUnknown);
}

std::optional<TValue> Tracer::dim_arithmetic(const std::string& op, const TValue& a,
                                             const TValue& b) {
  const TValue& dim = a.kind == TValue::Kind::Dim ? a : b;
  const TValue& other = a.kind == TValue::Kind::Dim ? b : a;
  if (dim.dim != pivot::kBatch || other.kind != TValue::Kind::Const || !other.constant.is_int())
    return std::nullopt;
  const int64_t k = other.constant.i;
  TValue out = TValue::of_dim(pivot::kBatch);
  if (op == "*" && k > 0) {
    out.scale = dim.scale * k;
    return out;
  }
  if (op == "//" && &dim == &a && k > 0 && dim.scale % k == 0) {
    out.scale = dim.scale / k;
    return out;
  }
  return std::nullopt;
}

void Tracer::propagate_folded(const pivot::Node& node) {
  int64_t scale = 0;
  for (pivot::ValueId in : node.inputs)
    if (auto it = folded_.find(in); it != folded_.end() && it->second.count(0))
      scale = it->second.at(0);
  if (scale == 0) return;
  auto touches_axis0 = [&](const char* attr) {
    const auto& axes = pivot::attr_ints(node, attr);
    return std::find(axes.begin(), axes.end(), 0) != axes.end();
  };
  switch (node.kind) {
    case OpKind::Reshape:
    case OpKind::Unsupported: return;  // reshape_to records its own result
    case OpKind::Flatten:
      if (pivot::attr_int(node, "start_dim") == 0) return;
      break;
    case OpKind::Transpose:
      if (pivot::attr_ints(node, "perm").empty() || pivot::attr_ints(node, "perm")[0] != 0) return;
      break;
    case OpKind::Squeeze:
    case OpKind::Unsqueeze:
    case OpKind::ReduceMean:
    case OpKind::ReduceMax:
    case OpKind::ReduceSum:
      if (touches_axis0("axes")) return;
      break;
    case OpKind::Slice:
      if (touches_axis0("axes")) return;
      break;
    case OpKind::Concat:
    case OpKind::Stack:
      if (pivot::attr_int(node, "axis") == 0) return;
      break;
    case OpKind::Tile:
      if (pivot::attr_ints(node, "repeats").empty() || pivot::attr_ints(node, "repeats")[0] != 1)
        return;
      break;
    default: break;
  }
  for (pivot::ValueId out : node.outputs) {
    const auto& t = g_.values[out].type;
    if (t.rank_known && t.rank() > 0 && t.shape[0] == pivot::kUnknown) folded_[out][0] = scale;
  }
}

TValue Tracer::reshape_to(const std::string& name, pivot::ValueId x,
                          const std::vector<TValue>& dims, Node call) {
  if (!need_rank(x, call))
    return unsupported(call, Code::NeedsInputShape, "rank unknown", {x}, false);
  auto count_of = [](const TValue& d, SymbolicCount& c) {
    if (d.kind == TValue::Kind::Const && d.constant.is_int() && d.constant.i >= 0) {
      c.factor *= d.constant.i;
      return true;
    }
    if (d.kind == TValue::Kind::Dim && d.dim == pivot::kBatch) {
      ++c.power;
      c.factor *= d.scale;
      return true;
    }
    return false;
  };
  const auto& in = type_of(x);
  SymbolicCount in_count;
  bool in_known = true, in_has_unknown = false;
  for (size_t i = 0; i < in.rank(); ++i) {
    in_known = count_of(dim_value(x, i), in_count) && in_known;
    in_has_unknown = in_has_unknown || in.shape[i] == pivot::kUnknown;
  }
  SymbolicCount target;
  bool target_known = true;
  std::optional<size_t> infer_at;
  for (size_t i = 0; i < dims.size(); ++i) {
    const TValue& d = dims[i];
    if (d.kind == TValue::Kind::Const && d.constant.is_int() && d.constant.i == -1 && !infer_at) {
      infer_at = i;
      continue;
    }
    if (!count_of(d, target)) {
      if (d.kind != TValue::Kind::Dim) {
        if (d.kind != TValue::Kind::Invalid)
          diags_.error(Code::NotConstant, call.location())
              << "a size of ." << name << "() is not static";
        return unsupported(call, Code::NotConstant, "reshape sizes are not static", {x}, false);
      }
      target_known = false;
    }
  }
  // Each output axis: a static size, or the batch times a factor (kBatch when the factor is 1).
  std::vector<TValue> resolved = dims;
  if (infer_at) {
    if (!in_known || !target_known || target.factor == 0 || in_count.factor % target.factor != 0 ||
        in_count.power - target.power < 0 || in_count.power - target.power > 1)
      return unsupported(call, Code::DynamicShape,
                         "." + name + "() needs sizes only known at run time", {x});
    const int64_t size = in_count.factor / target.factor;
    if (in_count.power == target.power) {
      resolved[*infer_at] = TValue::of_const(Constant::integer(size));
    } else {
      resolved[*infer_at] = TValue::of_dim(pivot::kBatch);
      resolved[*infer_at].scale = size;
    }
  }
  std::vector<int64_t> shape;
  std::map<size_t, int64_t> folded;
  int dynamic = 0;
  for (size_t i = 0; i < resolved.size(); ++i) {
    const TValue& d = resolved[i];
    if (d.kind == TValue::Kind::Const) {
      // A static size inferred from a fully static input stays -1, as written (layout planning
      // recognises (N, -1) as a flatten).
      const bool keep_infer = infer_at == i && !in_has_unknown;
      shape.push_back(keep_infer ? pivot::kUnknown : d.constant.i);
      dynamic += keep_infer ? 1 : 0;
    } else if (d.dim == pivot::kBatch && d.scale == 1) {
      shape.push_back(pivot::kBatch);
    } else {
      if (d.dim == pivot::kBatch) folded[i] = d.scale;
      shape.push_back(pivot::kUnknown);
      ++dynamic;
    }
  }
  if (dynamic > 1)
    return unsupported(call, Code::DynamicShape,
                       "." + name + "() needs sizes only known at run time", {x});
  // A reshape to the shape the tensor already has (x.view(x.size(0), -1) of a matrix) is a no-op.
  if (in.rank() == resolved.size() && folded.empty() && folded_.count(x) == 0) {
    bool same = true;
    for (size_t i = 0; i < resolved.size(); ++i) {
      const TValue& d = resolved[i];
      const int64_t want = d.kind == TValue::Kind::Const ? d.constant.i
                           : d.scale == 1                ? pivot::kBatch
                                                         : pivot::kUnknown;
      same = same && want == in.shape[i] && in.shape[i] != pivot::kUnknown;
    }
    if (same) return TValue::of_tensor(x);
  }
  TValue out = add_node(OpKind::Reshape, "reshape", {}, {x}, {{"shape", shape}}, call);
  if (!folded.empty()) folded_[out.tensor] = folded;
  return out;
}

std::optional<TValue> Tracer::index_tensor(const TValue& obj, const std::vector<Node>& subs,
                                           Node expr) {
  struct Entry {
    enum class Kind { Index, Slice, NewAxis, Ellipsis } kind = Kind::Slice;
    std::optional<int64_t> start, stop, step;
  };
  std::vector<Entry> entries;
  for (Node s : subs) {
    Entry e;
    if (s.is(Kind::Ellipsis)) {
      e.kind = Entry::Kind::Ellipsis;
    } else if (s.is(Kind::None)) {
      e.kind = Entry::Kind::NewAxis;
    } else if (s.is(Kind::Slice)) {
      std::optional<int64_t>* bounds[3] = {&e.start, &e.stop, &e.step};
      int part = 0;
      for (Node c : s.children()) {
        if (c.type() == ":") {
          ++part;
          continue;
        }
        if (!c.named() || part > 2) continue;
        TValue b = eval(c);
        if (b.kind == TValue::Kind::Const && b.constant.is_none()) continue;
        if (b.kind != TValue::Kind::Const || !b.constant.is_int()) return std::nullopt;
        *bounds[part] = b.constant.i;
      }
    } else {
      TValue v = eval(s);
      if (v.kind != TValue::Kind::Const || !v.constant.is_int()) return std::nullopt;
      e.kind = Entry::Kind::Index;
      e.start = v.constant.i;
    }
    entries.push_back(e);
  }
  if (!need_rank(obj.tensor, expr)) return TValue::invalid();
  const auto& t = type_of(obj.tensor);
  size_t consumed = 0, ellipses = 0;
  for (const auto& e : entries) {
    consumed += e.kind == Entry::Kind::Index || e.kind == Entry::Kind::Slice ? 1 : 0;
    ellipses += e.kind == Entry::Kind::Ellipsis ? 1 : 0;
  }
  if (consumed > t.rank() || ellipses > 1)
    return unsupported(expr, Code::ShapeMismatch,
                       "too many indices for a tensor of shape " + pivot::shape_to_string(t.shape),
                       {obj.tensor});
  std::vector<int64_t> axes, starts, stops, steps, squeeze, new_axes;
  size_t axis = 0, out_axis = 0;
  auto full_slices = [&](size_t count) {
    axis += count;
    out_axis += count;
  };
  for (const auto& e : entries) {
    if (e.kind == Entry::Kind::Ellipsis) {
      full_slices(t.rank() - consumed);
      continue;
    }
    if (e.kind == Entry::Kind::NewAxis) {
      new_axes.push_back(static_cast<int64_t>(out_axis++));
      continue;
    }
    const int64_t n = t.shape[axis];
    if (e.kind == Entry::Kind::Index) {
      int64_t k = *e.start;
      if (n >= 0) {
        if (k < -n || k >= n)
          return unsupported(expr, Code::ShapeMismatch,
                             "index " + std::to_string(k) + " is out of range for axis " +
                                 std::to_string(axis) + " of size " + std::to_string(n),
                             {obj.tensor});
        if (k < 0) k += n;
      }
      axes.push_back(static_cast<int64_t>(axis));
      starts.push_back(k);
      stops.push_back(k == -1 ? pivot::kSliceEnd : k + 1);
      steps.push_back(1);
      squeeze.push_back(static_cast<int64_t>(axis));
      ++axis;
      continue;
    }
    const int64_t step = e.step.value_or(1);
    if (step <= 0)
      return unsupported(expr, Code::UnsupportedOperation,
                         "slices with a step <= 0 are not supported", {obj.tensor});
    int64_t start = e.start.value_or(0);
    int64_t stop = e.stop.value_or(pivot::kSliceEnd);
    if (n >= 0) {  // Python's clamping, so the attributes are plain non-negative bounds
      auto clamp = [n](int64_t b) {
        if (b == pivot::kSliceEnd) return n;
        if (b < 0) b += n;
        return std::clamp<int64_t>(b, 0, n);
      };
      start = clamp(start);
      stop = clamp(stop);
      if (stop == n) stop = pivot::kSliceEnd;
    }
    if (start != 0 || stop != pivot::kSliceEnd || step != 1) {
      axes.push_back(static_cast<int64_t>(axis));
      starts.push_back(start);
      stops.push_back(stop);
      steps.push_back(step);
    }
    ++axis;
    ++out_axis;
  }
  TValue out = obj;
  if (!axes.empty())
    out = add_node(OpKind::Slice, "slice", {}, {obj.tensor},
                   {{"axes", axes},
                    {"starts", starts},
                    {"stops", stops},
                    {"steps", steps},
                    {"squeeze_axes", squeeze}},
                   expr);
  if (!new_axes.empty())
    out = add_node(OpKind::Unsqueeze, "unsqueeze", {}, {out.tensor}, {{"axes", new_axes}}, expr);
  return out;
}

std::optional<TValue> Tracer::structure_function(const std::string& q, const CallArgs& args,
                                                 Node call) {
  if (q == "torch.stack") {
    const TValue* list = args.get(0, "tensors");
    if (!list || list->kind != TValue::Kind::Tuple) return std::nullopt;
    std::vector<pivot::ValueId> ins;
    for (const auto& item : list->items)
      if (auto v = as_tensor(item, call)) ins.push_back(*v);
    if (ins.empty() || ins.size() != list->items.size()) return TValue::invalid();
    int64_t axis = 0;
    if (const TValue* dim = args.get(1, "dim")) {
      auto d = const_int(dim, call, "dim");
      if (!d) return unsupported(call, Code::NotConstant, "dim not constant", ins, false);
      axis = *d;
    }
    if (axis < 0 && type_of(ins[0]).rank_known)
      axis += static_cast<int64_t>(type_of(ins[0]).rank()) + 1;
    return add_node(OpKind::Stack, "stack", {}, ins, {{"axis", axis}}, call);
  }
  if (q == "torch.nn.functional.normalize") {
    const TValue* input = args.get(0, "input");
    if (!input) return std::nullopt;
    auto x = as_tensor(*input, call);
    if (!x) return TValue::invalid();
    const TValue* p = args.get(1, "p");
    const TValue* dim = args.get(2, "dim");
    const TValue* eps = args.get(3, "eps");
    auto number = [](const TValue* v, double dflt) -> std::optional<double> {
      if (!v) return dflt;
      if (v->kind == TValue::Kind::Const && v->constant.is_number())
        return *v->constant.as_double();
      return std::nullopt;
    };
    auto pv = number(p, 2.0);
    auto ev = number(eps, 1e-12);
    auto d = dim ? const_int(dim, call, "dim") : std::optional<int64_t>(1);
    if (!pv || !ev || !d)
      return unsupported(call, Code::NotConstant, "F.normalize arguments must be constants", {*x});
    if (*pv != 2.0)
      return unsupported(call, Code::UnsupportedArgument, "F.normalize with p other than 2", {*x});
    int64_t axis = *d;
    if (type_of(*x).rank_known)
      if (auto a = pivot::normalize_axis(axis, type_of(*x).rank())) axis = static_cast<int64_t>(*a);
    return add_node(OpKind::L2Normalize, "normalize", {}, {*x}, {{"axis", axis}, {"epsilon", *ev}},
                    call);
  }
  return std::nullopt;
}

std::optional<TValue> Tracer::structure_method(const std::string& name, const TValue& self,
                                               const CallArgs& args, Node call) {
  const pivot::ValueId x = self.tensor;
  if (name == "view" || name == "reshape")
    return reshape_to(name, x, sizes_of(args, "shape"), call);
  if (name == "size" && !args.get(0, "dim")) {
    if (!need_rank(x, call)) return TValue::invalid();
    std::vector<TValue> dims;
    for (size_t i = 0; i < type_of(x).rank(); ++i) dims.push_back(dim_value(x, i));
    return TValue::of_tuple(std::move(dims));
  }
  if (name == "size") {
    auto d = const_int(args.get(0, "dim"), call, "dim");
    if (!d || !need_rank(x, call)) return TValue::invalid();
    auto axis = pivot::normalize_axis(*d, type_of(x).rank());
    if (!axis) return std::nullopt;  // reported by the general size()
    return dim_value(x, *axis);
  }
  if (name == "flatten") {
    // flatten(0, k) merges the batch: a reshape whose first size is the batch times a factor.
    const TValue* start = args.get(0, "start_dim");
    auto s = start ? const_int(start, call, "start_dim") : std::optional<int64_t>(0);
    if (!s || *s != 0 || !need_rank(x, call)) return std::nullopt;
    auto e = args.get(1, "end_dim") ? const_int(args.get(1, "end_dim"), call, "end_dim")
                                    : std::optional<int64_t>(-1);
    const size_t rank = type_of(x).rank();
    auto end = e ? pivot::normalize_axis(*e, rank) : std::nullopt;
    if (!end) return std::nullopt;
    TValue merged = TValue::of_const(Constant::integer(1));
    for (size_t i = 0; i <= *end; ++i) {
      TValue d = dim_value(x, i);
      if (merged.kind == TValue::Kind::Const && d.kind == TValue::Kind::Const)
        merged = TValue::of_const(Constant::integer(merged.constant.i * d.constant.i));
      else if (auto m = dim_arithmetic("*", merged.kind == TValue::Kind::Dim ? merged : d,
                                       merged.kind == TValue::Kind::Dim ? d : merged))
        merged = *m;
      else
        return unsupported(call, Code::DynamicShape, "flatten of run-time sizes", {x});
    }
    std::vector<TValue> dims = {merged};
    for (size_t i = *end + 1; i < rank; ++i) dims.push_back(dim_value(x, i));
    return reshape_to("flatten", x, dims, call);
  }
  if (name == "to" || name == "type" || name == "double" || name == "float" || name == "half") {
    const bool is_float32 = type_of(x).dtype == pivot::DType::Float32;
    std::optional<std::string> dtype;
    if (name == "float") dtype = "torch.float32";
    if (name == "double" || name == "half") dtype = "torch." + name;
    for (const auto& a : args.positional)
      if (a.kind == TValue::Kind::Const && a.constant.is_string() &&
          a.constant.s.rfind("torch.", 0) == 0)
        dtype = a.constant.s;
    if (const TValue* kw = args.keyword("dtype"))
      if (kw->kind == TValue::Kind::Const && kw->constant.is_string()) dtype = kw->constant.s;
    // Inference keeps float32 values; a cast that changes values (to ints, from ids) is not
    // migrated.
    if (!dtype || (is_float_dtype(*dtype) && is_float32)) return self;
    return unsupported(call, Code::UnsupportedOperation,
                       "cast ." + name + "(" + *dtype + ") changes values and is not migrated",
                       {x});
  }
  if (name == "max" || name == "min" || name == "maximum" || name == "minimum") {
    const TValue* other = args.get(0, "other");
    if (!other || !other->is_tensor()) return std::nullopt;
    const bool is_max = name == "max" || name == "maximum";
    return add_node(is_max ? OpKind::Maximum : OpKind::Minimum, is_max ? "maximum" : "minimum", {},
                    {x, other->tensor}, {}, call);
  }
  if (name == "expand" || name == "expand_as" || name == "repeat") {
    if (!need_rank(x, call)) return TValue::invalid();
    const auto& t = type_of(x);
    std::vector<TValue> sizes;
    if (name == "expand_as") {
      const TValue* other = args.get(0, "other");
      if (!other || !other->is_tensor() || !need_rank(other->tensor, call)) return std::nullopt;
      for (size_t i = 0; i < type_of(other->tensor).rank(); ++i)
        sizes.push_back(dim_value(other->tensor, i));
    } else {
      sizes = sizes_of(args, name == "repeat" ? "repeats" : "size");
    }
    if (sizes.size() != t.rank())
      return unsupported(call, Code::UnsupportedOperation,
                         "." + name + "() that adds axes is not supported", {x});
    std::vector<int64_t> repeats;
    for (size_t i = 0; i < sizes.size(); ++i) {
      const TValue& s = sizes[i];
      const TValue have = dim_value(x, i);
      const bool same = (s.kind == TValue::Kind::Dim && have.kind == TValue::Kind::Dim &&
                         s.dim == have.dim && s.scale == have.scale && s.dim == pivot::kBatch) ||
                        (s.kind == TValue::Kind::Const && have.kind == TValue::Kind::Const &&
                         s.constant.is_int() && s.constant.i == have.constant.i);
      if (name == "repeat") {
        if (s.kind != TValue::Kind::Const || !s.constant.is_int() || s.constant.i < 1)
          return unsupported(call, Code::NotConstant, "repeat counts must be constant", {x});
        repeats.push_back(s.constant.i);
      } else if (same ||
                 (s.kind == TValue::Kind::Const && s.constant.is_int() && s.constant.i == -1)) {
        repeats.push_back(1);
      } else if (t.shape[i] == 1 && s.kind == TValue::Kind::Const && s.constant.is_int() &&
                 s.constant.i >= 1) {
        repeats.push_back(s.constant.i);
      } else {
        return unsupported(call, Code::DynamicShape,
                           "." + name + "() to a size nnport cannot prove", {x});
      }
    }
    if (std::all_of(repeats.begin(), repeats.end(), [](int64_t r) { return r == 1; })) return self;
    return add_node(OpKind::Tile, name, {}, {x}, {{"repeats", repeats}}, call);
  }
  if (name == "split" || name == "chunk" || name == "unbind") {
    if (!need_rank(x, call)) return TValue::invalid();
    const auto& t = type_of(x);
    const TValue* dim = args.get(name == "unbind" ? 0 : 1, "dim");
    auto d = dim ? const_int(dim, call, "dim") : std::optional<int64_t>(0);
    if (!d) return unsupported(call, Code::NotConstant, "dim not constant", {x}, false);
    auto axis = pivot::normalize_axis(*d, t.rank());
    if (!axis || t.shape[*axis] < 0)
      return unsupported(call, Code::DynamicShape, name + "() of an axis of run-time size", {x});
    const int64_t n = t.shape[*axis];
    std::vector<int64_t> sizes;
    if (name == "unbind") {
      sizes.assign(static_cast<size_t>(n), 1);
    } else {
      const TValue* spec = args.get(0, name == "split" ? "split_size_or_sections" : "chunks");
      if (!spec || spec->kind != TValue::Kind::Const)
        return unsupported(call, Code::NotConstant, name + "() sizes must be constant", {x});
      if (auto list = spec->constant.as_ints(); list && spec->constant.is_sequence()) {
        sizes = *list;
      } else if (spec->constant.is_int() && spec->constant.i > 0) {
        const int64_t k = spec->constant.i;
        const int64_t piece = name == "split" ? k : (n + k - 1) / k;  // chunk: ceil(n / k)
        for (int64_t at = 0; at < n; at += piece) sizes.push_back(std::min(piece, n - at));
      } else {
        return unsupported(call, Code::NotConstant, name + "() sizes must be constant", {x});
      }
    }
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (total != n)
      return unsupported(call, Code::ShapeMismatch, name + "() sizes do not add up to the axis",
                         {x});
    std::vector<TValue> parts;
    int64_t at = 0;
    for (int64_t s : sizes) {
      pivot::Attrs attrs{{"axes", std::vector<int64_t>{static_cast<int64_t>(*axis)}},
                         {"starts", std::vector<int64_t>{at}},
                         {"stops", std::vector<int64_t>{at + s == n ? pivot::kSliceEnd : at + s}},
                         {"steps", std::vector<int64_t>{1}}};
      if (name == "unbind")
        attrs["squeeze_axes"] = std::vector<int64_t>{static_cast<int64_t>(*axis)};
      parts.push_back(add_node(OpKind::Slice, name, {}, {x}, std::move(attrs), call));
      at += s;
    }
    return TValue::of_tuple(std::move(parts));
  }
  return std::nullopt;
}

}  // namespace nnport::readers::pytorch
