// forward() uses of stored tensors (see stored_tensors.h): `x + self.pe[:, :x.size(1)]` becomes
// the pivot op add_param, `torch.cat([self.cls_token.expand(n, -1, -1), x], dim=1)` becomes
// prepend_param. The values come from the checkpoint under the stored tensor's own name.
#include "readers/pytorch/stored_tensors.h"

#include <algorithm>

#include "pivot/ops/catalog.h"
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;
using syntax::Field;
using syntax::Kind;

namespace {

std::string text_of(Node n) { return std::string(n.text().substr(0, 80)); }

}  // namespace

TValue Tracer::stored_member(const std::string& name, const std::vector<int64_t>& shape,
                             bool buffer) {
  auto ref = std::make_shared<StoredRef>();
  ref->name = name;
  ref->shape = shape;
  ref->buffer = buffer;
  TValue v;
  v.kind = TValue::Kind::Stored;
  v.stored = std::move(ref);
  return v;
}

// self.pe[:, :n], self.pe[:n]: full slices except one `:n` (n a constant or a size).
std::optional<TValue> Tracer::stored_subscript(const TValue& obj, const std::vector<Node>& subs,
                                               Node expr) {
  if (obj.kind != TValue::Kind::Stored) return std::nullopt;
  const StoredRef& ref = *obj.stored;
  auto fail = [&](const std::string& why) {
    diags_.error(Code::UnsupportedOperation, expr.location())
        << "'" << text_of(expr) << "': " << why;
    return TValue::invalid();
  };
  if (ref.slice_axis >= 0 || ref.expanded) return fail("a stored tensor can be sliced once");
  // Axis i of the (possibly permuted) view is stored axis stored_axis(i).
  auto stored_axis = [&](size_t i) {
    return ref.perm.empty() ? i : static_cast<size_t>(ref.perm[i]);
  };
  if (subs.size() > ref.shape.size()) return fail("too many indices for the stored tensor");
  auto out = std::make_shared<StoredRef>(ref);
  for (size_t axis = 0; axis < subs.size(); ++axis) {
    Node s = subs[axis];
    if (!s.is(Kind::Slice)) return fail("only slices `:` and `:n` of stored tensors are supported");
    std::vector<Node> parts[3];
    int part = 0;
    for (Node c : s.children()) {
      if (c.type() == ":")
        ++part;
      else if (c.named() && part <= 2)
        parts[part].push_back(c);
    }
    if (!parts[2].empty() || part > 1) return fail("slices with a step are not supported here");
    if (!parts[0].empty()) {
      TValue start = eval(parts[0][0]);
      if (!(start.kind == TValue::Kind::Const && start.constant.is_int() && start.constant.i == 0))
        return fail("only slices starting at 0 are supported for stored tensors");
    }
    if (parts[1].empty()) continue;
    TValue stop = eval(parts[1][0]);
    if (stop.kind == TValue::Kind::Const && stop.constant.is_none()) continue;
    if (out->slice_axis >= 0) return fail("only one axis of a stored tensor can be sliced");
    out->slice_axis = static_cast<int64_t>(stored_axis(axis));
    if (stop.kind == TValue::Kind::Const && stop.constant.is_int()) {
      const int64_t n = stop.constant.i;
      if (n <= 0) return fail("the slice must keep at least one element");
      if (n < ref.shape[stored_axis(axis)])
        out->length = n;
      else
        out->slice_axis = -1;  // the whole axis
    } else if (stop.kind != TValue::Kind::Dim) {
      return fail("the slice end is not a size nnport can follow");
    }
  }
  TValue v;
  v.kind = TValue::Kind::Stored;
  v.stored = std::move(out);
  return v;
}

// .expand(n, -1, -1) / .repeat(n, 1, 1) over the batch; dtype and placement methods keep it.
std::optional<TValue> Tracer::stored_method(const std::string& name, const TValue& obj,
                                            const CallArgs& args, Node call) {
  if (obj.kind != TValue::Kind::Stored) return std::nullopt;
  const StoredRef& ref = *obj.stored;
  if (name == "to" || name == "float" || name == "type_as" || name == "detach" ||
      name == "contiguous")
    return obj;
  if (name == "transpose" || name == "permute") return stored_permute(name, obj, args, call);
  if (name == "expand" || name == "repeat") {
    std::vector<TValue> sizes = args.positional;
    if (sizes.size() == 1 && sizes[0].kind == TValue::Kind::Tuple) sizes = sizes[0].items;
    bool ok = sizes.size() == ref.shape.size() && !ref.shape.empty() && ref.shape[0] == 1 &&
              args.keywords.empty() && ref.slice_axis < 0 && !ref.expanded && ref.perm.empty();
    for (size_t i = 1; ok && i < sizes.size(); ++i) {
      const TValue& s = sizes[i];
      const int64_t keep = name == "expand" ? -1 : 1;
      ok = s.kind == TValue::Kind::Const && s.constant.is_int() &&
           (s.constant.i == keep || (name == "expand" && s.constant.i == ref.shape[i]));
    }
    ok = ok && (sizes[0].kind == TValue::Kind::Dim || sizes[0].kind == TValue::Kind::Const);
    if (!ok) {
      diags_.error(Code::UnsupportedOperation, call.location())
          << "'" << text_of(call) << "': only ." << name << "(batch, "
          << (name == "expand" ? "-1" : "1") << ", ...) of a stored (1, ...) tensor is supported";
      return TValue::invalid();
    }
    auto out = std::make_shared<StoredRef>(ref);
    out->expanded = true;
    TValue v = obj;
    v.stored = std::move(out);
    return v;
  }
  diags_.error(Code::UnsupportedOperation, call.location())
      << "method ." << name << "() of the stored tensor '" << ref.name << "' is not supported";
  return TValue::invalid();
}

// .transpose(a, b) / .permute(d0, d1, ...): the stored tensor keeps its layout; the op adding it
// permutes it (AddParam's perm), as `self.pe[:x.size(1)].transpose(0, 1)` of a (T, 1, E) buffer.
std::optional<TValue> Tracer::stored_permute(const std::string& name, const TValue& obj,
                                             const CallArgs& args, Node call) {
  const StoredRef& ref = *obj.stored;
  const auto rank = static_cast<int64_t>(ref.shape.size());
  std::vector<TValue> dims = args.positional;
  if (name == "permute" && dims.size() == 1 && dims[0].kind == TValue::Kind::Tuple)
    dims = dims[0].items;
  std::vector<int64_t> axes;
  for (const auto& d : dims) {
    if (d.kind != TValue::Kind::Const || !d.constant.is_int()) break;
    const int64_t a = d.constant.i < 0 ? d.constant.i + rank : d.constant.i;
    if (a < 0 || a >= rank) break;
    axes.push_back(a);
  }
  std::vector<int64_t> q(static_cast<size_t>(rank));
  for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int64_t>(i);
  bool ok = axes.size() == dims.size() && args.keywords.empty() && !ref.expanded;
  if (ok && name == "transpose" && axes.size() == 2) {
    std::swap(q[static_cast<size_t>(axes[0])], q[static_cast<size_t>(axes[1])]);
  } else if (ok && name == "permute" && axes.size() == q.size()) {
    std::vector<int64_t> sorted = axes;
    std::sort(sorted.begin(), sorted.end());
    ok = sorted == q;
    q = axes;
  } else {
    ok = false;
  }
  if (!ok) {
    diags_.error(Code::UnsupportedOperation, call.location())
        << "'" << text_of(call) << "': only ." << name
        << "() with constant axes of a stored tensor is supported";
    return TValue::invalid();
  }
  // view.permute(q) of view = stored.permute(perm): stored.permute([perm[q[i]]]).
  auto out = std::make_shared<StoredRef>(ref);
  out->perm.clear();
  for (int64_t a : q) out->perm.push_back(ref.perm.empty() ? a : ref.perm[static_cast<size_t>(a)]);
  bool identity = true;
  for (size_t i = 0; i < out->perm.size(); ++i)
    identity = identity && out->perm[i] == static_cast<int64_t>(i);
  if (identity) out->perm.clear();
  TValue v = obj;
  v.stored = std::move(out);
  return v;
}

namespace {

// The parameter of a stored tensor, sliced in the checkpoint when the slice is a constant
// shorter than the input it is added to.
pivot::Param stored_param(const StoredRef& ref, bool slice_in_weights) {
  pivot::Param p;
  p.name = ref.name;
  p.shape = ref.shape;
  p.buffer = ref.buffer;
  if (slice_in_weights) {
    const auto axis = static_cast<size_t>(ref.slice_axis);
    p.source_slice = pivot::SourceSlice{ref.slice_axis, 0, *ref.length, ref.shape[axis]};
    p.shape[axis] = *ref.length;
  }
  return p;
}

}  // namespace

// x + stored / stored + x.
std::optional<TValue> Tracer::stored_binary(const std::string& op, const TValue& a, const TValue& b,
                                            Node expr) {
  if (a.kind != TValue::Kind::Stored && b.kind != TValue::Kind::Stored) return std::nullopt;
  const TValue& s = a.kind == TValue::Kind::Stored ? a : b;
  const TValue& x = a.kind == TValue::Kind::Stored ? b : a;
  const StoredRef& ref = *s.stored;
  if (op != "+" || !x.is_tensor() || ref.expanded) {
    std::vector<pivot::ValueId> ins;
    if (x.is_tensor()) ins.push_back(x.tensor);
    return unsupported(
        expr, Code::UnsupportedOperation,
        "only `tensor + stored tensor` is supported for the stored tensor '" + ref.name + "'", ins);
  }
  if (!need_rank(x.tensor, expr)) return TValue::invalid();
  const auto& t = type_of(x.tensor);
  // Slicing to exactly the input's length along that axis is the slice_axis attribute (the
  // Keras weight keeps the checkpoint's shape); another constant length slices the weight.
  bool slice_in_weights = false;
  int64_t slice_axis = ref.slice_axis;
  if (ref.slice_axis >= 0 && ref.length && t.rank() >= ref.shape.size()) {
    const size_t offset = t.rank() - ref.shape.size();
    const auto lands =
        ref.perm.empty()
            ? ref.slice_axis
            : std::find(ref.perm.begin(), ref.perm.end(), ref.slice_axis) - ref.perm.begin();
    const int64_t n = t.shape[offset + static_cast<size_t>(lands)];
    if (n != *ref.length) {
      slice_in_weights = true;
      slice_axis = -1;
    }
  }
  pivot::Param param = stored_param(ref, slice_in_weights);
  pivot::Attrs attrs{{"shape", param.shape}, {"slice_axis", slice_axis}};
  if (!ref.perm.empty()) attrs["perm"] = ref.perm;
  TValue out = add_node(OpKind::AddParam, ref.name, ref.name, {x.tensor}, std::move(attrs), expr);
  auto& ids = params_[self_.get()];
  const std::string key =
      "stored:" + ref.name + (slice_in_weights ? ":" + std::to_string(*ref.length) : "");
  if (!ids.count(key)) ids[key] = g_.add_param(std::move(param));
  g_.nodes.back().params["value"] = ids[key];
  return out;
}

// torch.cat([self.cls_token.expand(n, -1, -1), x], dim=1).
std::optional<TValue> Tracer::stored_function(const std::string& qualified, const CallArgs& args,
                                              Node call) {
  auto involves = [](const TValue& v) {
    if (v.kind == TValue::Kind::Stored) return true;
    for (const auto& item : v.items)
      if (item.kind == TValue::Kind::Stored) return true;
    return false;
  };
  bool any = false;
  for (const auto& a : args.positional) any = any || involves(a);
  for (const auto& [k, a] : args.keywords) any = any || involves(a);
  if (!any) return std::nullopt;
  if (qualified == "torch.add" && args.positional.size() == 2 && args.keywords.empty())
    return stored_binary("+", args.positional[0], args.positional[1], call);
  const TValue* seq = args.get(0, "tensors");
  const TValue* dim = args.get(1, "dim");
  if (!dim) dim = args.keyword("axis");
  if ((qualified == "torch.cat" || qualified == "torch.concat") && seq &&
      seq->kind == TValue::Kind::Tuple && seq->items.size() == 2 &&
      seq->items[0].kind == TValue::Kind::Stored && seq->items[1].is_tensor() && dim &&
      dim->kind == TValue::Kind::Const && dim->constant.is_int()) {
    const StoredRef& ref = *seq->items[0].stored;
    const pivot::ValueId x = seq->items[1].tensor;
    if (!need_rank(x, call)) return TValue::invalid();
    const int64_t axis = dim->constant.i;
    if (ref.expanded && ref.perm.empty() && ref.shape.size() == 3 && type_of(x).rank() == 3 &&
        (axis == 1 || axis == -2)) {
      pivot::Attrs attrs{{"shape", ref.shape}};
      TValue out = add_node(OpKind::PrependParam, ref.name, ref.name, {x}, std::move(attrs), call);
      auto& ids = params_[self_.get()];
      const std::string key = "stored:" + ref.name;
      if (!ids.count(key)) ids[key] = g_.add_param(stored_param(ref, false));
      g_.nodes.back().params["value"] = ids[key];
      return out;
    }
  }
  std::vector<pivot::ValueId> ins;
  for (const auto& a : args.positional) {
    if (a.is_tensor()) ins.push_back(a.tensor);
    for (const auto& item : a.items)
      if (item.is_tensor()) ins.push_back(item.tensor);
  }
  return unsupported(
      call, Code::UnsupportedOperation,
      "'" + qualified +
          "' of a stored tensor is supported only as "
          "torch.cat([param.expand(batch, -1, -1), x], dim=1) for a (1, K, E) parameter",
      ins);
}

}  // namespace nnport::readers::pytorch
