// Tensor methods and torch functions of forward(): table-driven functional ops plus the ops
// that need the input's shape (view/reshape, flatten, permute, transpose, squeeze, cat,
// reductions, size) and elementwise arithmetic.
#include "readers/pytorch/adaptive_pool.h"
#include "readers/pytorch/tracer_impl.h"

#include "pivot/ops/catalog.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;

namespace {

std::string last_component(const std::string& qualified) {
  const size_t dot = qualified.rfind('.');
  return dot == std::string::npos ? qualified : qualified.substr(dot + 1);
}

// Ints from one sequence argument or from all positional arguments (x.view(a, b) / x.view((a, b))).
std::vector<TValue> spread(const CallArgs& args, size_t skip, const char* keyword) {
  std::vector<TValue> items;
  const TValue* kw = args.keyword(keyword);
  if (args.positional.size() == skip + 1 || (args.positional.size() == skip && kw)) {
    const TValue& one = args.positional.size() == skip + 1 ? args.positional[skip] : *kw;
    if (one.kind == TValue::Kind::Tuple) return one.items;
    if (one.kind == TValue::Kind::Const && one.constant.is_sequence()) {
      for (const auto& c : one.constant.items) items.push_back(TValue::of_const(c));
      return items;
    }
  }
  for (size_t i = skip; i < args.positional.size(); ++i) items.push_back(args.positional[i]);
  return items;
}

}  // namespace

std::optional<int64_t> Tracer::const_int(const TValue* v, Node where, const char* what) {
  if (v && v->kind == TValue::Kind::Const && v->constant.is_int()) return v->constant.i;
  if (v && v->kind != TValue::Kind::Invalid)
    diags_.error(Code::NotConstant, where.location()) << what << " must be a constant int";
  return std::nullopt;
}

TValue Tracer::binary(OpKind kind, const TValue& a, const TValue& b, Node where) {
  const char* name = kind == OpKind::Add   ? "add"
                     : kind == OpKind::Sub ? "sub"
                     : kind == OpKind::Mul ? "mul"
                                           : "div";
  if (a.kind == TValue::Kind::Const && b.kind == TValue::Kind::Const) {
    const char* op = kind == OpKind::Add   ? "+"
                     : kind == OpKind::Sub ? "-"
                     : kind == OpKind::Mul ? "*"
                                           : "/";
    if (auto r = syntax::apply_binary(op, a.constant, b.constant)) return TValue::of_const(*r);
    diags_.error(Code::NotConstant, where.location()) << "cannot fold this arithmetic";
    return TValue::invalid();
  }
  if (a.is_tensor() && b.is_tensor())
    return add_node(kind, name, {}, {a.tensor, b.tensor}, {}, where);
  const TValue& tensor = a.is_tensor() ? a : b;
  const TValue& other = a.is_tensor() ? b : a;
  if (tensor.is_tensor() && other.kind == TValue::Kind::Const && other.constant.is_number()) {
    pivot::Attrs attrs{{"scalar", *other.constant.as_double()}};
    if (!a.is_tensor()) attrs["scalar_first"] = true;
    return add_node(kind, name, {}, {tensor.tensor}, std::move(attrs), where);
  }
  if (a.kind == TValue::Kind::Dim || b.kind == TValue::Kind::Dim) {
    if (!tensor.is_tensor()) return TValue::of_dim(pivot::kUnknown);
  }
  std::vector<pivot::ValueId> ins;
  if (a.is_tensor()) ins.push_back(a.tensor);
  if (b.is_tensor()) ins.push_back(b.tensor);
  const bool quiet = a.kind == TValue::Kind::Invalid || b.kind == TValue::Kind::Invalid;
  if (ins.empty() && quiet) return TValue::invalid();
  return unsupported(where, Code::UnsupportedOperation,
                     std::string(name) + " of these operands is not supported", ins, !quiet);
}

TValue Tracer::matmul(const TValue& a, const TValue& b, Node where, bool batched) {
  const std::string what = batched ? "torch.bmm" : "matmul";
  if (!a.is_tensor() || !b.is_tensor()) {
    std::vector<pivot::ValueId> ins;
    if (a.is_tensor()) ins.push_back(a.tensor);
    if (b.is_tensor()) ins.push_back(b.tensor);
    const bool quiet = a.kind == TValue::Kind::Invalid || b.kind == TValue::Kind::Invalid;
    return unsupported(
        where, Code::UnsupportedOperation,
        what + " needs two tensor operands (a product with a constant is not supported)", ins,
        !quiet);
  }
  if (!need_rank(a.tensor, where) || !need_rank(b.tensor, where))
    return unsupported(where, Code::NeedsInputShape, what + " operand rank unknown",
                       {a.tensor, b.tensor}, false);
  const size_t ra = type_of(a.tensor).rank(), rb = type_of(b.tensor).rank();
  if (ra < 2 || rb < 2)
    return unsupported(where, Code::UnsupportedOperation,
                       what +
                           " with a 1-D operand (a vector product) is not supported; unsqueeze "
                           "it to a matrix",
                       {a.tensor, b.tensor});
  if (batched && (ra != 3 || rb != 3))
    return unsupported(where, Code::ShapeMismatch,
                       "torch.bmm needs two 3-D tensors, got " +
                           pivot::shape_to_string(type_of(a.tensor).shape) + " and " +
                           pivot::shape_to_string(type_of(b.tensor).shape),
                       {a.tensor, b.tensor});
  return add_node(OpKind::MatMul, "matmul", {}, {a.tensor, b.tensor}, {}, where);
}

TValue Tracer::apply_row(const frameworks::pytorch::OpRow& row, const TValue& input,
                         const CallArgs& args, size_t skip, Node call, const std::string& what) {
  auto in = as_tensor(input, call);
  if (!in) return TValue::invalid();
  std::vector<Constant> positional;
  std::vector<SourceLocation> positional_locs;
  std::vector<std::pair<std::string, Constant>> keywords;
  std::map<std::string, SourceLocation> keyword_locs;
  for (size_t i = skip; i < args.positional.size(); ++i) {
    const TValue& v = args.positional[i];
    if (v.kind != TValue::Kind::Const) {
      if (v.kind != TValue::Kind::Invalid)
        diags_.error(Code::NotConstant, args.positional_nodes[i].location())
            << "argument of " << what << " must be a constant";
      return unsupported(call, Code::NotConstant, what + " has non-constant arguments", {*in},
                         false);
    }
    positional.push_back(v.constant);
    positional_locs.push_back(args.positional_nodes[i].location());
  }
  for (size_t i = 0; i < args.keywords.size(); ++i) {
    const auto& [name, v] = args.keywords[i];
    if (name == "input") continue;
    if (name == "training" && row.kind == OpKind::Dropout) continue;  // self.training or a flag
    if (v.kind != TValue::Kind::Const) {
      diags_.error(Code::NotConstant, args.keyword_nodes[i].location())
          << "argument '" << name << "' of " << what << " must be a constant";
      return unsupported(call, Code::NotConstant, what + " has non-constant arguments", {*in},
                         false);
    }
    keywords.emplace_back(name, v.constant);
    keyword_locs[name] = args.keyword_nodes[i].location();
  }
  pivot::Attrs attrs;
  if (!bind_row(row, positional, keywords, positional_locs, keyword_locs, call.location(), what,
                diags_, attrs))
    return unsupported(call, Code::UnsupportedArgument,
                       what + " has arguments nnport cannot migrate", {*in}, false);
  if (attrs.count("output_size"))
    return trace_adaptive_pool(*this, row.kind, *in, attrs, last_component(row.symbol), call);
  if ((row.kind == OpKind::Softmax || row.kind == OpKind::LogSoftmax) && !attrs.count("axis")) {
    if (!need_rank(*in, call))
      return unsupported(call, Code::NeedsInputShape, "softmax dim unknown", {*in}, false);
    const size_t rank = type_of(*in).rank();
    const int64_t axis = (rank == 0 || rank == 1 || rank == 3) ? 0 : 1;
    attrs["axis"] = axis;
    diags_.warning(Code::UnsupportedArgument, call.location())
        << what
        << " without dim uses PyTorch's implicit dim (deprecated); migrated as dim=" << axis;
  }
  // Named after the source function (adaptive_avg_pool2d, leaky_relu), which reads better in
  // the generated code than the pivot op it maps to.
  const std::string source_name = row.symbol.substr(row.symbol.rfind('.') + 1);
  return add_node(row.kind,
                  source_name.empty() ? std::string(pivot::op_name(row.kind)) : source_name, {},
                  {*in}, std::move(attrs), call);
}

std::optional<TValue> Tracer::torch_function(const std::string& q, const CallArgs& args,
                                             Node call) {
  const std::string name = last_component(q);
  if (auto zeros = recurrent_torch_function(q, args, call)) return *zeros;
  if (auto mask = mask_function(q, args, call)) return *mask;
  if (auto v = structure_function(q, args, call)) return *v;
  if (const auto* row = frameworks::pytorch::find_function(q)) {
    const TValue* input = args.get(0, "input");
    if (!input) {
      diags_.error(Code::UnsupportedSyntax, call.location()) << q << " needs an input tensor";
      return TValue::invalid();
    }
    return apply_row(*row, *input, args, args.positional.empty() ? 0 : 1, call, q);
  }
  if (q == "torch.cat" || q == "torch.concat" || q == "torch.concatenate") {
    const TValue* list = args.get(0, "tensors");
    const TValue* dim = args.get(1, "dim");
    if (!list) return std::nullopt;
    std::vector<pivot::ValueId> ins;
    std::vector<TValue> items =
        list->kind == TValue::Kind::Tuple ? list->items : std::vector<TValue>{};
    for (const auto& item : items)
      if (auto v = as_tensor(item, call)) ins.push_back(*v);
    if (ins.empty()) {
      if (list->kind != TValue::Kind::Invalid)
        diags_.error(Code::UnsupportedOperation, call.location())
            << q << " needs a list of tensors";
      return TValue::invalid();
    }
    int64_t axis = 0;
    if (dim) {
      auto d = const_int(dim, call, "dim");
      if (!d) return unsupported(call, Code::NotConstant, "dim not constant", ins, false);
      axis = *d;
    }
    if (axis < 0 && type_of(ins[0]).rank_known)
      axis += static_cast<int64_t>(type_of(ins[0]).rank());
    return add_node(OpKind::Concat, "concat", {}, ins, {{"axis", axis}}, call);
  }
  static const std::map<std::string, OpKind> kArith = {
      {"torch.add", OpKind::Add},      {"torch.sub", OpKind::Sub},
      {"torch.subtract", OpKind::Sub}, {"torch.mul", OpKind::Mul},
      {"torch.multiply", OpKind::Mul}, {"torch.div", OpKind::Div},
      {"torch.divide", OpKind::Div},   {"torch.true_divide", OpKind::Div}};
  if (auto it = kArith.find(q); it != kArith.end() && args.positional.size() == 2)
    return binary(it->second, args.positional[0], args.positional[1], call);
  // torch.flatten(x, 1), torch.mean(x, dim), ...: the tensor method with the input first.
  if (q.rfind("torch.", 0) == 0 && q.find('.', 6) == std::string::npos) {
    const TValue* input = args.get(0, "input");
    if (input && input->is_tensor()) {
      CallArgs rest;
      for (size_t i = 1; i < args.positional.size(); ++i) {
        rest.positional.push_back(args.positional[i]);
        rest.positional_nodes.push_back(args.positional_nodes[i]);
      }
      for (size_t i = 0; i < args.keywords.size(); ++i) {
        if (args.keywords[i].first == "input") continue;
        rest.keywords.push_back(args.keywords[i]);
        rest.keyword_nodes.push_back(args.keyword_nodes[i]);
      }
      std::string method = name;
      if (method == "permute" && rest.positional.size() == 1) method = "permute";
      return tensor_method(method, *input, rest, call);
    }
  }
  return std::nullopt;
}

std::optional<TValue> Tracer::tensor_method(const std::string& name, const TValue& self,
                                            const CallArgs& args, Node call) {
  const pivot::ValueId x = self.tensor;
  if (auto v = structure_method(name, self, args, call)) return *v;
  if (const auto* row = frameworks::pytorch::find_function("Tensor." + name))
    return apply_row(*row, self, args, 0, call, "Tensor." + name);
  if (name == "eq") {
    const TValue* other = args.get(0, "other");
    if (other)
      if (auto v = compare_values("==", self, *other, call)) return *v;
  }
  if (name == "matmul" || name == "bmm") {
    const TValue* other = args.get(0, name == "bmm" ? "mat2" : "other");
    if (!other) return std::nullopt;
    return matmul(self, *other, call, name == "bmm");
  }
  if (name == "contiguous" || name == "clone" || name == "detach" || name == "float" ||
      name == "cpu" || name == "cuda")
    return self;  // no effect on values in inference (float: inputs are float32 already; cpu/cuda:
                  // placement)
  // x.long() / x.int() on token ids that are integers already (an int64 input): no effect.
  if ((name == "long" || name == "int") && args.positional.empty() && args.keywords.empty() &&
      !pending_.count(x) && !pivot::is_floating(type_of(x).dtype))
    return self;
  if (name == "add" || name == "sub" || name == "mul" || name == "div" || name == "add_" ||
      name == "mul_" || name == "sub_" || name == "div_") {
    const TValue* other = args.get(0, "other");
    if (!other) return std::nullopt;
    const char c = name[0];
    const OpKind kind = c == 'a'   ? OpKind::Add
                        : c == 's' ? OpKind::Sub
                        : c == 'm' ? OpKind::Mul
                                   : OpKind::Div;
    return binary(kind, self, *other, call);
  }
  if (name == "size" || name == "dim" || name == "ndimension") {
    if (!need_rank(x, call)) return TValue::invalid();
    const auto& t = type_of(x);
    if (name != "size") return TValue::of_const(Constant::integer(static_cast<int64_t>(t.rank())));
    auto to_value = [](int64_t d) {
      return d >= 0 ? TValue::of_const(Constant::integer(d)) : TValue::of_dim(d);
    };
    const TValue* dim = args.get(0, "dim");
    if (!dim) {
      std::vector<TValue> dims;
      for (int64_t d : t.shape) dims.push_back(to_value(d));
      return TValue::of_tuple(std::move(dims));
    }
    auto d = const_int(dim, call, "dim");
    if (!d) return TValue::invalid();
    auto axis = pivot::normalize_axis(*d, t.rank());
    if (!axis) {
      diags_.error(Code::ShapeMismatch, call.location())
          << "size(" << *d << ") out of range for " << pivot::shape_to_string(t.shape);
      return TValue::invalid();
    }
    return to_value(t.shape[*axis]);
  }
  if (name == "view" || name == "reshape") {
    std::vector<TValue> dims = spread(args, 0, "shape");
    std::vector<int64_t> shape;
    size_t unknown_at = SIZE_MAX, unknowns = 0;
    bool has_infer = false;
    for (size_t i = 0; i < dims.size(); ++i) {
      const TValue& d = dims[i];
      if (d.kind == TValue::Kind::Const && d.constant.is_int()) {
        if (d.constant.i == -1) has_infer = true;
        shape.push_back(d.constant.i);
      } else if (d.kind == TValue::Kind::Dim) {
        if (d.dim == pivot::kBatch)
          shape.push_back(pivot::kBatch);
        else {
          ++unknowns;
          unknown_at = i;
          shape.push_back(pivot::kUnknown);
        }
      } else {
        if (d.kind != TValue::Kind::Invalid)
          diags_.error(Code::NotConstant, call.location())
              << "a size of ." << name << "() is not static";
        return unsupported(call, Code::NotConstant, "reshape sizes are not static", {x}, false);
      }
    }
    // One run-time size and no -1: it is the inferred axis.
    if (unknowns > 1 || (unknowns == 1 && has_infer))
      return unsupported(call, Code::DynamicShape,
                         "." + name + "() needs sizes only known at run time", {x});
    (void)unknown_at;
    return add_node(OpKind::Reshape, "reshape", {}, {x}, {{"shape", shape}}, call);
  }
  if (name == "flatten") {
    auto start = args.get(0, "start_dim") ? const_int(args.get(0, "start_dim"), call, "start_dim")
                                          : std::optional<int64_t>(0);
    auto end = args.get(1, "end_dim") ? const_int(args.get(1, "end_dim"), call, "end_dim")
                                      : std::optional<int64_t>(-1);
    if (!start || !end) return unsupported(call, Code::NotConstant, "flatten dims", {x}, false);
    return add_node(OpKind::Flatten, "flatten", {}, {x}, {{"start_dim", *start}, {"end_dim", *end}},
                    call);
  }
  if (name == "permute" || name == "transpose" || name == "t") {
    if (!need_rank(x, call))
      return unsupported(call, Code::NeedsInputShape, "rank unknown", {x}, false);
    const size_t rank = type_of(x).rank();
    std::vector<int64_t> perm;
    if (name == "permute") {
      for (const auto& d : spread(args, 0, "dims")) {
        auto v = const_int(&d, call, "permute dim");
        if (!v) return unsupported(call, Code::NotConstant, "permute dims", {x}, false);
        auto a = pivot::normalize_axis(*v, rank);
        perm.push_back(a ? static_cast<int64_t>(*a) : *v);
      }
    } else {
      for (size_t i = 0; i < rank; ++i) perm.push_back(static_cast<int64_t>(i));
      int64_t d0 = 0, d1 = 1;
      if (name == "transpose") {
        auto a = const_int(args.get(0, "dim0"), call, "dim0");
        auto b = const_int(args.get(1, "dim1"), call, "dim1");
        if (!a || !b) return unsupported(call, Code::NotConstant, "transpose dims", {x}, false);
        d0 = *a;
        d1 = *b;
      }
      auto a0 = pivot::normalize_axis(d0, rank), a1 = pivot::normalize_axis(d1, rank);
      if (!a0 || !a1)
        return unsupported(call, Code::ShapeMismatch, "transpose dims out of range", {x});
      std::swap(perm[*a0], perm[*a1]);
    }
    return add_node(OpKind::Transpose, "transpose", {}, {x}, {{"perm", perm}}, call);
  }
  if (name == "squeeze" || name == "unsqueeze") {
    const TValue* dim = args.get(0, "dim");
    std::vector<int64_t> axes;
    if (!dim && name == "squeeze") {
      if (!need_rank(x, call))
        return unsupported(call, Code::NeedsInputShape, "rank unknown", {x}, false);
      const auto& t = type_of(x);
      for (size_t i = 0; i < t.rank(); ++i) {
        if (t.shape[i] == 1)
          axes.push_back(static_cast<int64_t>(i));
        else if (t.shape[i] == pivot::kBatch)
          // h_n.squeeze() of a one-layer RNN is common: the batch axis is kept, which differs
          // from PyTorch only for a batch of 1 (where PyTorch drops it too).
          diags_.warning(Code::DynamicShape, call.location())
              << "squeeze() without dim keeps the batch axis (PyTorch would also drop it for a "
                 "batch of 1)";
        else if (t.shape[i] < 0)
          return unsupported(call, Code::DynamicShape,
                             "squeeze() without dim needs every size statically", {x});
      }
      if (axes.empty()) return self;
    } else {
      auto d = const_int(dim, call, "dim");
      if (!d) return unsupported(call, Code::NotConstant, "squeeze dim", {x}, false);
      const auto& t = type_of(x);
      if (t.rank_known) {
        auto a = pivot::normalize_axis(*d, name == "squeeze" ? t.rank() : t.rank() + 1);
        if (a) *d = static_cast<int64_t>(*a);
      }
      axes.push_back(*d);
    }
    return add_node(name == "squeeze" ? OpKind::Squeeze : OpKind::Unsqueeze, name, {}, {x},
                    {{"axes", axes}}, call);
  }
  if (name == "mean" || name == "sum" || name == "max" || name == "amax") {
    const TValue* dim = args.get(0, "dim");
    const TValue* keep = args.get(1, "keepdim");
    if (dim && dim->is_tensor())
      return unsupported(call, Code::UnsupportedOperation,
                         "elementwise " + name + " is not supported yet", {x, dim->tensor});
    std::vector<int64_t> axes;
    const auto& t = type_of(x);
    bool all =
        !dim ||
        (dim->kind == TValue::Kind::Const &&
         (dim->constant.is_none() || (dim->constant.is_sequence() && dim->constant.items.empty())));
    if (all) {
      if (!need_rank(x, call))
        return unsupported(call, Code::NeedsInputShape, "rank unknown", {x}, false);
      for (size_t i = 0; i < t.rank(); ++i) axes.push_back(static_cast<int64_t>(i));
    } else {
      std::vector<TValue> ds =
          dim->kind == TValue::Kind::Tuple ? dim->items : std::vector<TValue>{};
      if (dim->kind == TValue::Kind::Const && dim->constant.is_sequence())
        for (const auto& c : dim->constant.items) ds.push_back(TValue::of_const(c));
      if (ds.empty()) ds.push_back(*dim);
      for (const auto& d : ds) {
        auto v = const_int(&d, call, "dim");
        if (!v) return unsupported(call, Code::NotConstant, "reduction dims", {x}, false);
        auto a = t.rank_known ? pivot::normalize_axis(*v, t.rank()) : std::nullopt;
        axes.push_back(a ? static_cast<int64_t>(*a) : *v);
      }
    }
    bool keepdims = false;
    if (keep) {
      if (keep->kind != TValue::Kind::Const) {
        diags_.error(Code::NotConstant, call.location()) << "keepdim must be constant";
        return unsupported(call, Code::NotConstant, "keepdim", {x}, false);
      }
      keepdims = keep->constant.truthy();
    }
    const OpKind kind = name == "mean"  ? OpKind::ReduceMean
                        : name == "sum" ? OpKind::ReduceSum
                                        : OpKind::ReduceMax;
    TValue out = add_node(kind, name, {}, {x}, {{"axes", axes}, {"keepdims", keepdims}}, call);
    if (name == "max" && !all) {
      // (values, indices): indices are not migrated; using them is reported.
      TValue pair = TValue::of_tuple({out, TValue::invalid()});
      pair.names = {"values", "indices"};
      return pair;
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace nnport::readers::pytorch
