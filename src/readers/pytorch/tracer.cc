// forward() tracer: statements, expressions, module application, call nodes for user blocks.
#include "readers/pytorch/tracer_impl.h"

#include <cctype>
#include <limits>

#include "passes/shape_inference.h"
#include "pivot/ops/catalog.h"
#include "readers/pytorch/adaptive_pool.h"
#include "readers/pytorch/placement.h"
#include "readers/pytorch/python_math.h"
#include "syntax/slice_bounds.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;
using syntax::Field;
using syntax::Kind;

namespace {
constexpr int kMaxDepth = 150;
constexpr size_t kMaxUnroll = 1024;

bool is_torch_dtype(const std::string& q) {
  static const std::set<std::string> kDtypes = {"torch.float32", "torch.float",   "torch.float64",
                                                "torch.double",  "torch.float16", "torch.half",
                                                "torch.int64",   "torch.long",    "torch.int32",
                                                "torch.int",     "torch.bool",    "torch.bfloat16"};
  return kDtypes.count(q) > 0;
}

std::string short_text(Node n) {
  std::string_view t = n.text();
  if (t.size() > 80) return std::string(t.substr(0, 77)) + "...";
  return std::string(t);
}
}  // namespace

const TValue* CallArgs::keyword(std::string_view name) const {
  for (const auto& [key, value] : keywords)
    if (key == name) return &value;
  return nullptr;
}

const TValue* CallArgs::get(size_t index, std::string_view name) const {
  if (index < positional.size()) return &positional[index];
  return keyword(name);
}

Tracer::Tracer(Context& ctx, DiagnosticEngine& diags, InstancePtr self, pivot::ModuleDef& def)
    : ctx_(ctx), diags_(diags), self_(std::move(self)), def_(def), g_(def.graph) {}

std::string Tracer::unique_node_name(const std::string& base) {
  return node_names_.make_unique(base.empty() ? "node" : base);
}

void Tracer::resolve_pending(pivot::Node& node) {
  for (pivot::ValueId in : node.inputs) {
    if (!pending_.count(in)) continue;
    pending_.erase(in);
    pivot::TensorType t;
    bool known = true;
    switch (node.kind) {
      case OpKind::Linear:
        t.shape = {pivot::kBatch, pivot::attr_int(node, "in_features")};
        t.layout = "NC";
        break;
      case OpKind::Embedding:
        t.dtype = pivot::DType::Int64;
        t.shape = {pivot::kBatch, pivot::kUnknown};
        t.layout = "NT";
        break;
      case OpKind::Conv: {
        const size_t rank = pivot::attr_ints(node, "kernel_size").size();
        t.shape = {pivot::kBatch, pivot::attr_int(node, "in_channels")};
        for (size_t i = 0; i < rank; ++i) t.shape.push_back(pivot::kUnknown);
        t.layout = rank == 1 ? "NCW" : rank == 2 ? "NCHW" : "NCDHW";
        break;
      }
      default: known = false;
    }
    if (!known) {
      diags_.error(Code::NeedsInputShape, forward_def_.location())
          << "the type of input '" << g_.values[in].name
          << "' cannot be inferred from its first use (" << pivot::op_name(node.kind)
          << "); pass --input-shape";
      continue;
    }
    g_.values[in].type = t;
    if (inputs_ && input_index_.count(in)) {
      (*inputs_)[input_index_[in]].type = t;
      (*inputs_)[input_index_[in]].pending = false;
    }
  }
}

bool Tracer::need_rank(pivot::ValueId v, Node where) {
  if (pending_.count(v)) {
    pending_.erase(v);
    diags_.error(Code::NeedsInputShape, where.location())
        << "the shape of input '" << g_.values[v].name << "' is needed here; pass --input-shape";
    return false;
  }
  if (!g_.values[v].type.rank_known) {
    diags_.error(Code::DynamicShape, where.location())
        << "the rank of '" << g_.values[v].name << "' is not known statically";
    return false;
  }
  return true;
}

TValue Tracer::add_node(OpKind kind, const std::string& name_hint, const std::string& module_path,
                        std::vector<pivot::ValueId> inputs, pivot::Attrs attrs, Node where) {
  pivot::Node node;
  node.kind = kind;
  node.name = unique_node_name(name_hint);
  node.module_path = module_path;
  node.inputs = std::move(inputs);
  node.attrs = std::move(attrs);
  node.location = where.location();
  resolve_pending(node);
  for (pivot::ValueId in : node.inputs) pending_.erase(in);
  const pivot::ValueId out = g_.add_value(node.name, pivot::TensorType{});
  node.outputs.push_back(out);
  g_.nodes.push_back(std::move(node));
  std::string error;
  if (!passes::infer_node(g_, g_.nodes.size() - 1, error)) {
    const auto& n = g_.nodes.back();
    diags_.error(Code::ShapeMismatch, n.location)
        << pivot::op_name(n.kind) << " '" << n.name << "': " << error;
  }
  propagate_folded(g_.nodes.back());
  return TValue::of_tensor(out);
}

TValue Tracer::unsupported(Node where, Code code, const std::string& message,
                           std::vector<pivot::ValueId> inputs, bool report) {
  if (report) diags_.error(code, where.location()) << message;
  pivot::Attrs attrs{{"code", std::string(code_info(code).name)},
                     {"text", short_text(where)},
                     {"message", message}};
  for (pivot::ValueId in : inputs) pending_.erase(in);
  return add_node(OpKind::Unsupported, "unsupported", {}, std::move(inputs), std::move(attrs),
                  where);
}

std::optional<pivot::ValueId> Tracer::as_tensor(const TValue& v, Node where) {
  if (v.is_tensor()) return v.tensor;
  if (v.kind == TValue::Kind::Invalid) {
    // Already reported where it arose; keep the graph connected.
    return unsupported(where, Code::UnsupportedOperation, "input could not be traced", {}, false)
        .tensor;
  }
  diags_.error(Code::UnsupportedOperation, where.location())
      << "'" << short_text(where) << "' is not a tensor";
  return std::nullopt;
}

// ---------------------------------------------------------------- running forward()

bool Tracer::run(std::vector<TraceInput>& inputs, const std::vector<TValue>& const_args,
                 bool& returns_tuple) {
  inputs_ = &inputs;
  std::map<std::string, TValue> frame;
  locals_ = &frame;
  auto add_input = [&](size_t i) {
    const pivot::ValueId v = g_.add_value(inputs[i].name, inputs[i].type);
    g_.inputs.push_back(pivot::Port{g_.values[v].name, v, {}});
    if (!inputs[i].folded.empty()) folded_[v] = inputs[i].folded;
    input_index_[v] = i;
    if (inputs[i].pending) pending_.insert(v);
    return v;
  };
  TValue result;
  if (self_->kind != Instance::Kind::User) {
    // A module-level Sequential: one input through the chain.
    if (inputs.empty()) inputs.push_back(TraceInput{"x", {}, true, {}});
    const pivot::ValueId x = add_input(0);
    CallArgs args;
    args.positional.push_back(TValue::of_tensor(x));
    forward_def_ = Node();
    Node none;
    result = apply_module(self_, args, none);
  } else {
    forward_def_ = self_->cls->method("forward");
    if (!forward_def_) {
      diags_.error(Code::NoModelFound, self_->cls->node.location())
          << "class " << self_->cls->name << " has no forward()";
      return false;
    }
    std::vector<Node> params = forward_def_.field(Field::Parameters).named_children();
    if (!params.empty() && params[0].is(Kind::Identifier))
      self_name_ = std::string(params[0].text());
    size_t tensor_index = 0, const_index = 0;
    for (size_t i = 1; i < params.size(); ++i) {
      Node p = params[i];
      Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
      if (p.is(Kind::TypedParameter)) name = p.named_child(0);
      if (!name.is(Kind::Identifier)) {
        diags_.error(Code::UnsupportedSyntax, p.location())
            << "forward() parameter '" << short_text(p) << "' is not supported";
        continue;
      }
      const std::string pname(name.text());
      if (const_index < const_args.size() && tensor_index >= inputs.size()) {
        frame[pname] = const_args[const_index++];
        continue;
      }
      if (tensor_index < inputs.size()) {
        inputs[tensor_index].name = pname;
        frame[pname] = TValue::of_tensor(add_input(tensor_index));
        ++tensor_index;
        continue;
      }
      Node dflt = p.field(Field::Value);
      if (dflt) {
        syntax::ConstEvaluator ev(ctx_.globals);
        if (auto v = ev.eval(dflt)) {
          frame[pname] = TValue::of_const(*v);
          continue;
        }
      }
      if (self_ != nullptr && ctx_.depth > 0 && !inputs.empty()) {
        diags_.error(Code::UnsupportedSyntax, p.location())
            << "forward() argument '" << pname << "' is not given";
        frame[pname] = TValue::invalid();
        continue;
      }
      inputs.push_back(
          TraceInput{pname, pivot::TensorType{pivot::DType::Float32, {}, false, {}}, true, {}});
      frame[pname] = TValue::of_tensor(add_input(inputs.size() - 1));
      ++tensor_index;
    }
    run_block(forward_def_.field(Field::Body), 0);
    if (!returned_) {
      diags_.error(Code::UnsupportedSyntax, forward_def_.location())
          << "forward() of " << self_->cls->name << " returns no tensor nnport could trace";
      return false;
    }
    result = *returned_;
  }
  for (pivot::ValueId v : pending_)
    diags_.error(Code::NeedsInputShape, forward_def_ ? forward_def_.location() : self_->created)
        << "the type of input '" << g_.values[v].name << "' cannot be inferred; pass --input-shape";
  std::vector<pivot::ValueId> outs;
  returns_tuple = result.kind == TValue::Kind::Tuple;
  if (returns_tuple && !result.names.empty() && forward_def_) {
    std::string keys;
    for (const auto& k : result.names) keys += (keys.empty() ? "" : ", ") + k;
    diags_.warning(Code::UnsupportedSyntax, forward_def_.location())
        << "forward() returns a dict; the Keras model returns its values as a list in key order ("
        << keys << ")";
  }
  if (result.is_tensor())
    outs.push_back(result.tensor);
  else if (result.kind == TValue::Kind::Tuple)
    for (const auto& item : result.items)
      if (item.is_tensor()) outs.push_back(item.tensor);
  if (outs.empty()) {
    if (result.kind != TValue::Kind::Invalid)
      diags_.error(Code::UnsupportedSyntax, forward_def_.location())
          << "forward() returns no tensor";
    return false;
  }
  for (size_t i = 0; i < outs.size(); ++i)
    g_.outputs.push_back(
        pivot::Port{outs.size() == 1 ? "output" : "output_" + std::to_string(i), outs[i], {}});
  return true;
}

// Enough for forward loops over hundreds of blocks (a block's forward is a few statements);
// small enough to end recursive helpers within a fraction of a second.
constexpr size_t kMaxTraceStatements = 20000;

bool Tracer::run_block(Node block, int depth) {
  if (depth > kMaxDepth) {
    diags_.error(Code::UnsupportedSyntax, block.location()) << "code nested too deeply";
    return true;
  }
  for (Node stmt : block.named_children()) {
    // Recursive helpers (`return self.f(self.f(x))`) would unroll exponentially: a global
    // statement budget ends them with a diagnostic instead of a hang.
    if (++ctx_.trace_statements > kMaxTraceStatements) {
      if (!ctx_.trace_budget_reported)
        diags_.error(Code::UnsupportedSyntax, stmt.location())
            << "tracing forward() runs more than " << kMaxTraceStatements
            << " statements; nnport stops here (recursive helper calls?)";
      ctx_.trace_budget_reported = true;
      return true;
    }
    if (run_statement(stmt, depth)) return true;
  }
  return false;
}

// Returns true when the statement returned.
bool Tracer::run_statement(Node stmt, int depth) {
  switch (stmt.kind()) {
    case Kind::PassStatement: return false;
    case Kind::ReturnStatement: {
      std::vector<Node> values = stmt.named_children();
      returned_ = values.empty() ? TValue::of_const(Constant::none()) : eval(values[0]);
      return true;
    }
    case Kind::ExpressionStatement: {
      Node e = stmt.named_child(0);
      if (e.is(Kind::Assignment)) {
        Node right = e.field(Field::Right);
        if (right.null()) return false;  // annotation only
        TValue v = eval(right);
        for (int guard = 0; right.is(Kind::Assignment) && guard < 32; ++guard)
          right = right.field(Field::Right);
        assign(e.field(Field::Left), v);
        Node inner = e.field(Field::Right);
        for (int guard = 0; inner.is(Kind::Assignment) && guard < 32; ++guard) {
          assign(inner.field(Field::Left), v);
          inner = inner.field(Field::Right);
        }
        return false;
      }
      if (e.is(Kind::AugmentedAssignment)) {
        std::string op(e.field(Field::Operator).type());
        if (!op.empty()) op.pop_back();
        Node left = e.field(Field::Left);
        TValue a = eval(left);
        TValue b = eval(e.field(Field::Right));
        const OpKind kind = op == "+"   ? OpKind::Add
                            : op == "-" ? OpKind::Sub
                            : op == "*" ? OpKind::Mul
                                        : OpKind::Div;
        if (op != "+" && op != "-" && op != "*" && op != "/") {
          assign(left,
                 a.is_tensor()
                     ? unsupported(e, Code::UnsupportedOperation,
                                   "operator " + op + "= on tensors is not supported", {a.tensor})
                     : TValue::invalid());
          return false;
        }
        assign(left, binary(kind, a, b, e));
        return false;
      }
      if (e.is(Kind::String) || e.is(Kind::ConcatenatedString)) return false;  // docstring
      if (e.is(Kind::Call)) {
        Node fn = e.field(Field::Function);
        if (fn.is(Kind::Identifier) && fn.text() == "print") return false;  // no effect on results
        TValue v = eval(e);
        // In-place forms (x.relu_(), F.relu(x, inplace=True)) rebind their receiver.
        Node receiver;
        if (fn.is(Kind::Attribute)) receiver = fn.field(Field::Object);
        if (!receiver.is(Kind::Identifier)) receiver = e.field(Field::Arguments).named_child(0);
        if (v.is_tensor() && receiver.is(Kind::Identifier) &&
            locals_->count(std::string(receiver.text())))
          (*locals_)[std::string(receiver.text())] = v;
        return false;
      }
      diags_.error(Code::UnsupportedSyntax, e.location())
          << "statement not understood: " << short_text(e);
      return false;
    }
    case Kind::IfStatement: {
      Node cond = stmt.field(Field::Condition);
      TValue c = eval(cond);
      auto decide = [&](const TValue& v, Node where) -> std::optional<bool> {
        if (v.kind == TValue::Kind::Const) return v.constant.truthy();
        if (v.kind == TValue::Kind::Module) return true;
        if (v.kind != TValue::Kind::Invalid)
          diags_.error(Code::UnsupportedSyntax, where.location())
              << "if condition '" << short_text(where) << "' cannot be decided statically";
        return std::nullopt;
      };
      auto taken = decide(c, cond);
      if (!taken) return false;
      if (*taken) return run_block(stmt.field(Field::Consequence), depth + 1);
      for (Node alt : stmt.fields(Field::Alternative)) {
        if (alt.is(Kind::ElseClause)) return run_block(alt.field(Field::Body), depth + 1);
        Node c2 = alt.field(Field::Condition);
        auto t2 = decide(eval(c2), c2);
        if (!t2) return false;
        if (*t2) return run_block(alt.field(Field::Consequence), depth + 1);
      }
      return false;
    }
    case Kind::ForStatement: {
      Node left = stmt.field(Field::Left);
      TValue seq = eval(stmt.field(Field::Right));
      std::vector<TValue> items;
      if (auto elements = iterate(seq))
        items = std::move(*elements);
      else {
        if (seq.kind != TValue::Kind::Invalid)
          diags_.error(Code::UnsupportedSyntax, stmt.location())
              << "for loop over '" << short_text(stmt.field(Field::Right))
              << "' cannot be unrolled statically";
        return false;
      }
      if (items.size() > kMaxUnroll || stmt.field(Field::Alternative)) {
        diags_.error(Code::UnsupportedSyntax, stmt.location()) << "for loop cannot be unrolled";
        return false;
      }
      for (const auto& item : items) {
        assign(left, item);
        if (run_block(stmt.field(Field::Body), depth + 1)) return true;
      }
      return false;
    }
    default: break;
  }
  if (stmt.type() == "assert_statement") return false;  // checks do not change results
  diags_.error(Code::UnsupportedSyntax, stmt.location())
      << "'" << stmt.type() << "' cannot be followed statically";
  return false;
}

void Tracer::assign(Node target, const TValue& value) {
  if (target.is(Kind::Identifier)) {
    (*locals_)[std::string(target.text())] = value;
    return;
  }
  if (target.is(Kind::PatternList) || target.is(Kind::TuplePattern) ||
      target.is(Kind::ListPattern)) {
    std::vector<Node> targets = target.named_children();
    std::vector<TValue> items;
    if (value.kind == TValue::Kind::Tuple)
      items = value.items;
    else if (value.kind == TValue::Kind::Const && value.constant.is_sequence())
      for (const auto& c : value.constant.items) items.push_back(TValue::of_const(c));
    if (items.size() != targets.size()) {
      if (value.kind != TValue::Kind::Invalid)
        diags_.error(Code::UnsupportedSyntax, target.location())
            << "cannot unpack into '" << short_text(target) << "'";
      for (Node t : targets) assign(t, TValue::invalid());
      return;
    }
    for (size_t i = 0; i < targets.size(); ++i) assign(targets[i], items[i]);
    return;
  }
  if (write_only_member(target)) return;
  diags_.error(Code::UnsupportedSyntax, target.location())
      << "assignment to '" << short_text(target)
      << "' in forward() is not supported (the member is read, so it carries state between calls)";
}

// ---------------------------------------------------------------- expressions

TValue Tracer::eval(Node expr) {
  if (++depth_ > kMaxDepth) {
    --depth_;
    diags_.error(Code::UnsupportedSyntax, expr.location()) << "expression nested too deeply";
    return TValue::invalid();
  }
  TValue v = eval_inner(expr);
  --depth_;
  return v;
}

TValue Tracer::eval_inner(Node expr) {
  switch (expr.kind()) {
    case Kind::Integer:
    case Kind::Float:
    case Kind::String:
    case Kind::ConcatenatedString:
    case Kind::True:
    case Kind::False:
    case Kind::None: {
      syntax::ConstEvaluator ev(ctx_.globals);
      if (auto c = ev.eval(expr)) return TValue::of_const(*c);
      diags_.error(Code::NotConstant, expr.location()) << ev.error().reason;
      return TValue::invalid();
    }
    case Kind::Identifier: {
      const std::string name(expr.text());
      if (auto it = locals_->find(name); it != locals_->end()) return it->second;
      if (name == self_name_ && self_) {
        TValue s;
        s.kind = TValue::Kind::Self;
        return s;
      }
      if (const Constant* c = ctx_.globals.lookup(name)) return TValue::of_const(*c);
      diags_.error(Code::UnknownName, expr.location())
          << "name '" << name << "' is not defined here";
      return TValue::invalid();
    }
    case Kind::ParenthesizedExpression: {
      auto inner = expr.named_children();
      if (inner.size() == 1) return eval(inner[0]);
      break;
    }
    case Kind::Tuple:
    case Kind::List:
    case Kind::ExpressionList: {
      std::vector<TValue> items;
      bool all_const = true;
      for (Node item : expr.named_children()) {
        if (item.is(Kind::ListSplat)) {
          TValue inner = eval(item.named_child(0));
          if (inner.kind == TValue::Kind::Tuple)
            items.insert(items.end(), inner.items.begin(), inner.items.end());
          else if (inner.kind == TValue::Kind::Const && inner.constant.is_sequence())
            for (const auto& c : inner.constant.items) items.push_back(TValue::of_const(c));
          else {
            diags_.error(Code::UnsupportedSyntax, item.location()) << "cannot unpack this value";
            items.push_back(TValue::invalid());
          }
        } else {
          items.push_back(eval(item));
        }
      }
      for (const auto& i : items) all_const = all_const && i.kind == TValue::Kind::Const;
      if (all_const && !items.empty()) {
        std::vector<Constant> cs;
        for (auto& i : items) cs.push_back(i.constant);
        return TValue::of_const(expr.is(Kind::List) ? Constant::list(cs) : Constant::tuple(cs));
      }
      return TValue::of_tuple(std::move(items));
    }
    case Kind::Attribute: return eval_attribute(expr);
    case Kind::Subscript: return eval_subscript(expr);
    case Kind::Call: return eval_call(expr);
    case Kind::BinaryOperator: return eval_binary(expr);
    case Kind::ComparisonOperator: return eval_compare(expr);
    case Kind::UnaryOperator: {
      TValue v = eval(expr.field(Field::Argument));
      const std::string_view op = expr.field(Field::Operator).type();
      if (v.kind == TValue::Kind::Const) {
        if (auto r = syntax::apply_binary("*", v.constant, Constant::integer(-1)); r && op == "-")
          return TValue::of_const(*r);
        if (op == "+") return v;
      }
      if (v.is_tensor() && op == "-")
        return binary(OpKind::Mul, v, TValue::of_const(Constant::floating(-1.0)), expr);
      if (v.is_tensor() && op == "+") return v;
      if (v.kind == TValue::Kind::Dim) return TValue::of_dim(pivot::kUnknown);
      break;
    }
    case Kind::NotOperator: {
      TValue v = eval(expr.field(Field::Argument));
      if (v.kind == TValue::Kind::Const)
        return TValue::of_const(Constant::boolean(!v.constant.truthy()));
      if (v.kind == TValue::Kind::Module) return TValue::of_const(Constant::boolean(false));
      break;
    }
    case Kind::BooleanOperator: {
      TValue left = eval(expr.field(Field::Left));
      if (left.kind == TValue::Kind::Const) {
        const bool is_and = expr.field(Field::Operator).type() == "and";
        if (is_and != left.constant.truthy()) return left;
        return eval(expr.field(Field::Right));
      }
      break;
    }
    case Kind::ListComprehension: return eval_comprehension(expr);
    case Kind::Dictionary: return eval_dict(expr);
    case Kind::ConditionalExpression: {
      auto parts = expr.named_children();
      if (parts.size() == 3) {
        TValue c = eval(parts[1]);
        if (c.kind == TValue::Kind::Const) return eval(c.constant.truthy() ? parts[0] : parts[2]);
      }
      break;
    }
    default: break;
  }
  diags_.error(Code::UnsupportedSyntax, expr.location())
      << "expression '" << short_text(expr) << "' cannot be traced statically";
  return TValue::invalid();
}

TValue Tracer::eval_attribute(Node expr) {
  Node obj_node = expr.field(Field::Object);
  const std::string attr(expr.field(Field::Attribute).text());
  TValue obj;
  const bool local_shadow =
      obj_node.is(Kind::Identifier) && locals_->count(std::string(obj_node.text()));
  if (!local_shadow && !(obj_node.is(Kind::Identifier) && obj_node.text() == self_name_)) {
    if (auto q = ctx_.imports.qualify(expr)) {
      if (is_torch_dtype(*q)) return TValue::of_const(Constant::string(*q));  // x.to(torch.float32)
      // torch.float32 and similar dotted constants are not values forward() computes with.
      diags_.error(Code::UnsupportedOperation, expr.location())
          << "'" << *q << "' is not supported here";
      return TValue::invalid();
    }
  }
  obj = eval(obj_node);
  switch (obj.kind) {
    case TValue::Kind::Self: {
      if (attr == "training") return TValue::of_const(Constant::boolean(false));  // inference
      auto it = self_->members.find(attr);
      if (it == self_->members.end()) {
        diags_.error(Code::UnknownName, expr.location())
            << "'" << short_text(expr) << "' is not set in __init__";
        return TValue::invalid();
      }
      if (it->second.module) {
        TValue m;
        m.kind = TValue::Kind::Module;
        m.module = it->second.module;
        return m;
      }
      if (it->second.constant) return TValue::of_const(*it->second.constant);
      if (it->second.stored_shape)
        return stored_member(attr, *it->second.stored_shape, it->second.buffer);
      diags_.error(Code::NotConstant, expr.location())
          << "'" << short_text(expr)
          << "' could not be evaluated in __init__: " << it->second.unknown_reason;
      return TValue::invalid();
    }
    case TValue::Kind::Tensor: {
      if (attr == "shape") {
        if (!need_rank(obj.tensor, expr)) return TValue::invalid();
        std::vector<TValue> dims;
        for (size_t i = 0; i < type_of(obj.tensor).rank(); ++i)
          dims.push_back(dim_value(obj.tensor, i));
        return TValue::of_tuple(std::move(dims));
      }
      if (attr == "device") return TValue::of_const(Constant::string("cpu"));  // placement only
      if (attr == "ndim") {
        if (!need_rank(obj.tensor, expr)) return TValue::invalid();
        return TValue::of_const(
            Constant::integer(static_cast<int64_t>(type_of(obj.tensor).rank())));
      }
      return unsupported(expr, Code::UnsupportedOperation,
                         "tensor attribute '." + attr + "' is not supported", {obj.tensor});
    }
    case TValue::Kind::Tuple:
      for (size_t i = 0; i < obj.names.size() && i < obj.items.size(); ++i)
        if (obj.names[i] == attr) {
          if (obj.items[i].kind == TValue::Kind::Invalid)
            diags_.error(Code::UnsupportedOperation, expr.location())
                << "'." << attr << "' (indices) is not supported";
          return obj.items[i];
        }
      break;
    case TValue::Kind::Param:  // next(self.parameters()).data: the same parameter handle
      if (attr == "data") return obj;
      break;
    case TValue::Kind::Invalid: return obj;
    default: break;
  }
  diags_.error(Code::UnsupportedOperation, expr.location())
      << "attribute '" << short_text(expr) << "' is not supported";
  return TValue::invalid();
}

TValue Tracer::eval_subscript(Node expr) {
  TValue obj = eval(expr.field(Field::Value));
  std::vector<Node> subs = expr.fields(Field::Subscript);
  if (obj.kind == TValue::Kind::Invalid) return obj;
  if (auto stored = stored_subscript(obj, subs, expr)) return *stored;
  // Results of recurrent layers go to select_index (recurrent_call.cc), the rest to the
  // general slicing of tensor_indexing.cc.
  if (obj.is_tensor() && !recurrent_result(obj.tensor))
    if (auto indexed = index_tensor(obj, subs, expr)) return *indexed;
  if (obj.is_tensor())
    if (auto selected = select_index(obj, subs, expr)) return *selected;
  if (obj.is_tensor())
    return unsupported(expr, Code::UnsupportedOperation,
                       "tensor indexing '" + short_text(expr) + "' is not supported yet",
                       {obj.tensor});
  if (subs.size() != 1) {
    diags_.error(Code::UnsupportedSyntax, expr.location())
        << "multi-dimensional index not supported";
    return TValue::invalid();
  }
  Node index_node = subs[0];
  if (auto keyed = index_by_key(obj, index_node)) return *keyed;
  // Sequence-like values: tuples of abstract values, constants, module containers.
  std::vector<TValue> items;
  std::vector<std::string> names;
  if (obj.kind == TValue::Kind::Tuple)
    items = obj.items;
  else if (obj.kind == TValue::Kind::Const && obj.constant.is_sequence())
    for (const auto& c : obj.constant.items) items.push_back(TValue::of_const(c));
  else if (obj.kind == TValue::Kind::Module && (obj.module->kind == Instance::Kind::Sequential ||
                                                obj.module->kind == Instance::Kind::ModuleList))
    for (const auto& [name, child] : obj.module->children) {
      TValue m;
      m.kind = TValue::Kind::Module;
      m.module = child;
      items.push_back(m);
    }
  else {
    diags_.error(Code::UnsupportedOperation, expr.location())
        << "'" << short_text(expr) << "' cannot be indexed statically";
    return TValue::invalid();
  }
  const int64_t size = static_cast<int64_t>(items.size());
  if (index_node.is(Kind::Slice)) {
    auto bounds = syntax::slice_bounds(index_node, [&](Node c) {
      TValue b = eval(c);
      if (b.kind == TValue::Kind::Const && b.constant.is_none()) return syntax::SliceBound{};
      if (b.kind != TValue::Kind::Const || !b.constant.is_int()) {
        diags_.error(Code::NotConstant, c.location()) << "slice bound is not a constant int";
        return syntax::SliceBound{true, std::nullopt};
      }
      return syntax::SliceBound{false, b.constant.i};
    });
    if (!bounds) return TValue::invalid();
    if (bounds->step.value_or(1) != 1) {
      diags_.error(Code::UnsupportedOperation, index_node.location())
          << "only step-1 slices are supported";
      return TValue::invalid();
    }
    const auto [begin, end] = syntax::slice_range(*bounds, size);
    std::vector<TValue> out;
    for (int64_t k = begin; k < end; ++k) out.push_back(items[static_cast<size_t>(k)]);
    if (obj.kind == TValue::Kind::Module) {
      auto sub = std::make_shared<Instance>(*obj.module);
      sub->children.clear();
      for (int64_t k = begin; k < end; ++k)
        sub->children.push_back(obj.module->children[static_cast<size_t>(k)]);
      TValue m;
      m.kind = TValue::Kind::Module;
      m.module = sub;
      return m;
    }
    return TValue::of_tuple(std::move(out));
  }
  TValue index = eval(index_node);
  if (index.kind != TValue::Kind::Const || !index.constant.as_int()) {
    if (index.kind != TValue::Kind::Invalid)
      diags_.error(Code::NotConstant, index_node.location()) << "index is not a constant int";
    return TValue::invalid();
  }
  int64_t k = *index.constant.as_int();
  if (k < 0) k += size;
  if (k < 0 || k >= size) {
    diags_.error(Code::UnsupportedOperation, index_node.location()) << "index out of range";
    return TValue::invalid();
  }
  TValue item = items[static_cast<size_t>(k)];
  if (item.kind == TValue::Kind::Invalid && obj.kind == TValue::Kind::Tuple)
    diags_.error(Code::UnsupportedOperation, expr.location())
        << "'" << short_text(expr) << "' (indices) is not supported";
  return item;
}

TValue Tracer::eval_binary(Node expr) {
  TValue a = eval(expr.field(Field::Left));
  TValue b = eval(expr.field(Field::Right));
  const std::string op(expr.field(Field::Operator).type());
  if (a.kind == TValue::Kind::Const && b.kind == TValue::Kind::Const) {
    if (auto r = syntax::apply_binary(op, a.constant, b.constant)) return TValue::of_const(*r);
    diags_.error(Code::NotConstant, expr.location()) << "cannot fold '" << short_text(expr) << "'";
    return TValue::invalid();
  }
  if (a.kind == TValue::Kind::Invalid || b.kind == TValue::Kind::Invalid) {
    if (a.is_tensor() || b.is_tensor()) {
      std::vector<pivot::ValueId> ins;
      if (a.is_tensor()) ins.push_back(a.tensor);
      if (b.is_tensor()) ins.push_back(b.tensor);
      return unsupported(expr, Code::UnsupportedOperation, "operand could not be traced", ins,
                         false);
    }
    return TValue::invalid();
  }
  if ((a.kind == TValue::Kind::Dim || b.kind == TValue::Kind::Dim) && !a.is_tensor() &&
      !b.is_tensor()) {
    if (auto folded = dim_arithmetic(op, a, b)) return *folded;
    return TValue::of_dim(pivot::kUnknown);  // a run-time size
  }
  if (auto stored = stored_binary(op, a, b, expr)) return *stored;
  OpKind kind;
  if (op == "+")
    kind = OpKind::Add;
  else if (op == "-")
    kind = OpKind::Sub;
  else if (op == "*")
    kind = OpKind::Mul;
  else if (op == "/")
    kind = OpKind::Div;
  else if (op == "@")
    return matmul(a, b, expr, false);
  else {
    std::vector<pivot::ValueId> ins;
    if (a.is_tensor()) ins.push_back(a.tensor);
    if (b.is_tensor()) ins.push_back(b.tensor);
    return unsupported(expr, Code::UnsupportedOperation,
                       "operator '" + op + "' on tensors is not supported yet", ins);
  }
  return binary(kind, a, b, expr);
}

TValue Tracer::eval_compare(Node expr) {
  std::vector<Node> operands = expr.named_children();
  std::vector<Node> ops = expr.fields(Field::Operators);
  if (operands.size() == ops.size() + 1 && !ops.empty()) {
    TValue left = eval(operands[0]);
    bool result = true;
    for (size_t k = 0; k < ops.size(); ++k) {
      TValue right = eval(operands[k + 1]);
      if (left.kind != TValue::Kind::Const || right.kind != TValue::Kind::Const) {
        // `mask is None` where mask is a tensor argument: decidable.
        const std::string_view op = ops[k].type();
        if (ops.size() == 1)  // `ids == pad_idx`, `mask == 0` (attention_masks.cc)
          if (auto v = compare_values(op, left, right, expr)) return *v;
        if ((op == "is" || op == "is not") && right.kind == TValue::Kind::Const &&
            right.constant.is_none() && left.kind != TValue::Kind::Invalid) {
          result = result && (op == "is not");
          left = right;
          continue;
        }
        if (left.kind != TValue::Kind::Invalid && right.kind != TValue::Kind::Invalid)
          diags_.error(Code::UnsupportedSyntax, expr.location())
              << "comparison '" << short_text(expr) << "' cannot be decided statically";
        return TValue::invalid();
      }
      auto r = syntax::apply_compare(ops[k].type(), left.constant, right.constant);
      if (!r) {
        diags_.error(Code::NotConstant, expr.location())
            << "cannot compare in '" << short_text(expr) << "'";
        return TValue::invalid();
      }
      result = result && *r;
      left = right;
    }
    return TValue::of_const(Constant::boolean(result));
  }
  diags_.error(Code::UnsupportedSyntax, expr.location()) << "malformed comparison";
  return TValue::invalid();
}

CallArgs Tracer::eval_args(Node args_node) {
  CallArgs out;
  for (Node a : args_node.named_children()) {
    if (a.is(Kind::KeywordArgument)) {
      out.keywords.emplace_back(std::string(a.field(Field::Name).text()),
                                eval(a.field(Field::Value)));
      out.keyword_nodes.push_back(a);
    } else if (a.is(Kind::ListSplat)) {
      TValue v = eval(a.named_child(0));
      std::vector<TValue> items;
      if (v.kind == TValue::Kind::Tuple)
        items = v.items;
      else if (v.kind == TValue::Kind::Const && v.constant.is_sequence())
        for (const auto& c : v.constant.items) items.push_back(TValue::of_const(c));
      else {
        if (v.kind != TValue::Kind::Invalid)
          diags_.error(Code::UnsupportedSyntax, a.location())
              << "cannot unpack this value statically";
        items.push_back(TValue::invalid());
      }
      for (auto& item : items) {
        out.positional.push_back(item);
        out.positional_nodes.push_back(a);
      }
    } else if (a.is(Kind::DictionarySplat)) {
      diags_.error(Code::UnsupportedSyntax, a.location())
          << "**kwargs cannot be followed statically";
    } else {
      out.positional.push_back(eval(a));
      out.positional_nodes.push_back(a);
    }
  }
  return out;
}

TValue Tracer::eval_call(Node expr) {
  // Once the trace budget is spent, calls are not evaluated at all: evaluating their arguments
  // first would keep unrolling a recursive helper (`self.f(self.f(x))`) one level per frame.
  if (ctx_.trace_budget_reported) return TValue::invalid();
  Node fn = expr.field(Field::Function);
  Node args_node = expr.field(Field::Arguments);
  if (!args_node.is(Kind::ArgumentList)) {
    diags_.error(Code::UnsupportedSyntax, expr.location())
        << "generator arguments are not supported";
    return TValue::invalid();
  }
  if (auto p = parameter_handle(expr)) return *p;  // next(self.parameters())
  const bool local_name = fn.is(Kind::Identifier) && locals_->count(std::string(fn.text()));
  Node root = fn;
  for (int guard = 0; root.is(Kind::Attribute) && guard < 64; ++guard)
    root = root.field(Field::Object);
  const bool rooted_local = root.is(Kind::Identifier) &&
                            (locals_->count(std::string(root.text())) || root.text() == self_name_);
  // torch.*, F.*, and names imported from torch.
  if (!local_name && !rooted_local) {
    if (auto q = ctx_.imports.qualify(fn)) {
      CallArgs args = eval_args(args_node);
      if (auto v = stored_function(*q, args, expr)) return *v;
      if (auto v = python_math(*q, args)) return *v;
      if (auto c = placement_constant(ctx_.imports, expr)) return TValue::of_const(*c);
      if (auto v = torch_function(*q, args, expr)) return *v;
      std::vector<pivot::ValueId> ins;
      for (const auto& a : args.positional)
        if (a.is_tensor()) ins.push_back(a.tensor);
      return unsupported(expr, Code::UnsupportedOperation, "'" + *q + "' is not supported yet",
                         ins);
    }
  }
  // self.method(...) where method is a def of the class (not a submodule).
  if (fn.is(Kind::Attribute) && fn.field(Field::Object).is(Kind::Identifier) &&
      fn.field(Field::Object).text() == self_name_ && self_ && self_->cls) {
    const std::string name(fn.field(Field::Attribute).text());
    if (!self_->members.count(name)) {
      Node method = self_->cls->method(name);
      if (method) return inline_function(method, true, eval_args(args_node), expr);
    }
  }
  // x.method(...)
  if (fn.is(Kind::Attribute)) {
    Node obj_node = fn.field(Field::Object);
    TValue obj = eval(obj_node);
    const std::string name(fn.field(Field::Attribute).text());
    if (obj.is_tensor()) {
      CallArgs args = eval_args(args_node);
      if (auto v = tensor_method(name, obj, args, expr)) return *v;
      return unsupported(expr, Code::UnsupportedOperation,
                         "tensor method '." + name + "()' is not supported yet", {obj.tensor});
    }
    if (obj.kind == TValue::Kind::Stored)
      return *stored_method(name, obj, eval_args(args_node), expr);
    if (obj.kind == TValue::Kind::Mask) return mask_method(name, obj, eval_args(args_node), expr);
    if (obj.kind == TValue::Kind::Param || obj.kind == TValue::Kind::Empty)
      return *factory_method(name, obj, eval_args(args_node), expr);
    // torch.zeros(...).to(device) / .cuda() / .requires_grad_(): placement only; the arguments
    // (often a module-level device object) are not evaluated.
    if (obj.kind == TValue::Kind::Zeros &&
        (name == "to" || name == "cuda" || name == "cpu" || name == "float" || name == "detach" ||
         name == "requires_grad_" || name == "contiguous" || name == "zero_"))
      return obj;
    if (obj.kind == TValue::Kind::Module)
      if (auto v = container_method(obj, name)) return *v;
    // outs.append(head(f)) / outs.extend([...]) on a local list
    if ((name == "append" || name == "extend") && obj_node.is(Kind::Identifier) &&
        (obj.kind == TValue::Kind::Tuple ||
         (obj.kind == TValue::Kind::Const && obj.constant.is_sequence()))) {
      CallArgs args = eval_args(args_node);
      auto items = iterate(obj);
      if (items && args.positional.size() == 1) {
        if (name == "append")
          items->push_back(args.positional[0]);
        else if (auto more = iterate(args.positional[0]))
          items->insert(items->end(), more->begin(), more->end());
        else
          items.reset();
      }
      if (items) {
        (*locals_)[std::string(obj_node.text())] = TValue::of_tuple(std::move(*items));
        return TValue::of_const(Constant::none());
      }
    }
    // nn.LSTM.flatten_parameters(): a cuDNN memory-layout call without effect on values.
    if (obj.kind == TValue::Kind::Module && name == "flatten_parameters")
      return TValue::of_const(Constant::none());
    if (obj.kind == TValue::Kind::Module && name == "forward")
      return call_value(obj, eval_args(args_node), expr);
    if (obj.kind == TValue::Kind::Self) return call_value(eval(fn), eval_args(args_node), expr);
    if (obj.kind == TValue::Kind::Invalid) {
      CallArgs args = eval_args(args_node);
      return TValue::invalid();
    }
    diags_.error(Code::UnsupportedOperation, expr.location())
        << "call '" << short_text(expr) << "' is not supported";
    return TValue::invalid();
  }
  if (fn.is(Kind::Identifier) && !local_name) {
    const std::string name(fn.text());
    CallArgs args = eval_args(args_node);
    if (auto it = iteration_builtin(name, args, expr)) return *it;
    bool handled = false;
    TValue v = builtin(name, args, expr, handled);
    if (handled) return v;
    if (auto f = ctx_.functions.find(name); f != ctx_.functions.end())
      return inline_function(f->second, false, args, expr);
    if (ctx_.classes.count(name)) {
      diags_.error(Code::UnsupportedSyntax, expr.location())
          << "creating module " << name << " inside forward() is not supported";
      return TValue::invalid();
    }
    diags_.error(Code::UnknownName, fn.location()) << "function '" << name << "' is not known";
    return TValue::invalid();
  }
  TValue callee = eval(fn);
  return call_value(callee, eval_args(args_node), expr);
}

TValue Tracer::call_value(const TValue& callee, const CallArgs& args, Node call) {
  if (callee.kind == TValue::Kind::Module) return apply_module(callee.module, args, call);
  if (callee.kind != TValue::Kind::Invalid)
    diags_.error(Code::UnsupportedOperation, call.location())
        << "'" << short_text(call.field(Field::Function)) << "' is not callable statically";
  return TValue::invalid();
}

TValue Tracer::builtin(const std::string& name, const CallArgs& args, Node call, bool& handled) {
  handled = true;
  std::vector<Constant> cs;
  bool all_const = true;
  for (const auto& a : args.positional) {
    if (a.kind == TValue::Kind::Const)
      cs.push_back(a.constant);
    else
      all_const = false;
  }
  if (name == "int" || name == "float") {
    if (args.positional.size() == 1 && args.positional[0].kind == TValue::Kind::Dim)
      return args.positional[0];
  }
  if (name == "len" && args.positional.size() == 1 &&
      args.positional[0].kind == TValue::Kind::Tuple)
    return TValue::of_const(
        Constant::integer(static_cast<int64_t>(args.positional[0].items.size())));
  if (name == "len" && args.positional.size() == 1 && args.positional[0].is_tensor()) {
    const auto& t = type_of(args.positional[0].tensor);
    if (t.rank_known && t.rank() > 0)
      return t.shape[0] >= 0 ? TValue::of_const(Constant::integer(t.shape[0]))
                             : TValue::of_dim(t.shape[0]);
  }
  static const char* kPure[] = {"int", "float", "bool",  "len",  "max",
                                "min", "abs",   "tuple", "list", "range"};
  bool pure = false;
  for (const char* p : kPure) pure = pure || name == p;
  if (!pure || !args.keywords.empty()) {
    handled = false;
    return TValue::invalid();
  }
  if (!all_const) {
    diags_.error(Code::NotConstant, call.location())
        << name << "() of a value that is not a constant is not supported";
    return TValue::invalid();
  }
  // Fold through the constant evaluator on a synthetic scope.
  syntax::Scope scope(&ctx_.globals);
  std::string unused;
  syntax::ConstEvaluator ev(scope, [&](Node n) -> std::optional<Constant> {
    // Arguments were already evaluated; map each argument node to its value.
    for (size_t i = 0; i < args.positional_nodes.size() && i < cs.size(); ++i)
      if (args.positional_nodes[i] == n) return cs[i];
    return std::nullopt;
  });
  // Re-evaluate with literal arguments: build the result directly for the common builtins.
  (void)ev;
  if ((name == "max" || name == "min") && !cs.empty()) {
    std::vector<Constant> values = cs.size() == 1 && cs[0].is_sequence() ? cs[0].items : cs;
    if (values.empty()) return TValue::invalid();
    Constant best = values[0];
    for (size_t k = 1; k < values.size(); ++k) {
      auto gt = syntax::apply_compare(name == "max" ? ">" : "<", values[k], best);
      if (!gt) return TValue::invalid();
      if (*gt) best = values[k];
    }
    return TValue::of_const(best);
  }
  if (name == "int" && cs.size() == 1 && cs[0].is_number()) {
    if (cs[0].kind == Constant::Kind::Float) {
      const double f = cs[0].f;
      if (f > -9.2e18 && f < 9.2e18)
        return TValue::of_const(Constant::integer(static_cast<int64_t>(f)));
      return TValue::invalid();
    }
    return TValue::of_const(Constant::integer(*cs[0].as_int()));
  }
  if (name == "float" && cs.size() == 1 && cs[0].is_number())
    return TValue::of_const(Constant::floating(*cs[0].as_double()));
  if (name == "float" && cs.size() == 1 && cs[0].is_string()) {  // float('-inf') in masks
    std::string text;
    for (char c : cs[0].s)
      if (c != ' ') text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const double inf = std::numeric_limits<double>::infinity();
    if (text == "inf" || text == "+inf" || text == "infinity")
      return TValue::of_const(Constant::floating(inf));
    if (text == "-inf" || text == "-infinity") return TValue::of_const(Constant::floating(-inf));
  }
  if (name == "bool" && cs.size() == 1) return TValue::of_const(Constant::boolean(cs[0].truthy()));
  if (name == "len" && cs.size() == 1 && cs[0].is_sequence())
    return TValue::of_const(Constant::integer(static_cast<int64_t>(cs[0].items.size())));
  if (name == "range" && !cs.empty() && cs.size() <= 3) {
    int64_t b[3] = {0, 0, 1};
    for (const auto& c : cs)
      if (!c.is_int()) return TValue::invalid();
    if (cs.size() == 1)
      b[1] = cs[0].i;
    else {
      b[0] = cs[0].i;
      b[1] = cs[1].i;
      if (cs.size() == 3) b[2] = cs[2].i;
    }
    if (b[2] == 0) return TValue::invalid();
    std::vector<Constant> items;
    for (int64_t v = b[0]; b[2] > 0 ? v < b[1] : v > b[1];) {
      items.push_back(Constant::integer(v));
      if (items.size() > kMaxUnroll) break;
      if (__builtin_add_overflow(v, b[2], &v)) break;
    }
    return TValue::of_const(Constant::list(items));
  }
  if ((name == "tuple" || name == "list") && cs.size() == 1 && cs[0].is_sequence())
    return TValue::of_const(name == "tuple" ? Constant::tuple(cs[0].items)
                                            : Constant::list(cs[0].items));
  diags_.error(Code::NotConstant, call.location()) << name << "() could not be folded";
  return TValue::invalid();
}

TValue Tracer::inline_function(Node def, bool is_method, const CallArgs& args, Node call) {
  if (++ctx_.trace_statements > kMaxTraceStatements) {
    if (!ctx_.trace_budget_reported)
      diags_.error(Code::UnsupportedSyntax, call.location())
          << "tracing forward() makes more than " << kMaxTraceStatements
          << " calls and statements; nnport stops here (recursive helper calls?)";
    ctx_.trace_budget_reported = true;
    return TValue::invalid();
  }
  if (depth_ > 40) {
    diags_.error(Code::UnsupportedSyntax, call.location())
        << "calls nested too deeply (recursion?)";
    return TValue::invalid();
  }
  std::map<std::string, TValue> frame;
  std::vector<Node> params = def.field(Field::Parameters).named_children();
  size_t next = 0;
  for (size_t i = is_method ? 1 : 0; i < params.size(); ++i) {
    Node p = params[i];
    Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
    if (p.is(Kind::TypedParameter)) name = p.named_child(0);
    if (!name.is(Kind::Identifier)) continue;
    const std::string pname(name.text());
    if (next < args.positional.size())
      frame[pname] = args.positional[next++];
    else if (const TValue* kw = args.keyword(pname))
      frame[pname] = *kw;
    else if (Node d = p.field(Field::Value))
      frame[pname] = eval(d);
    else {
      diags_.error(Code::UnsupportedSyntax, call.location())
          << "argument '" << pname << "' is not given";
      frame[pname] = TValue::invalid();
    }
  }
  auto* saved_locals = locals_;
  auto saved_return = returned_;
  locals_ = &frame;
  returned_.reset();
  ++depth_;
  run_block(def.field(Field::Body), 1);
  --depth_;
  TValue result = returned_ ? *returned_ : TValue::of_const(Constant::none());
  locals_ = saved_locals;
  returned_ = saved_return;
  return result;
}

// ---------------------------------------------------------------- modules

TValue Tracer::apply_module(const InstancePtr& module, const CallArgs& args, Node call) {
  if (!module->composite.empty()) return trace_transformer(module, args, call);
  switch (module->kind) {
    case Instance::Kind::Sequential: {
      if (args.positional.size() != 1 || !args.keywords.empty()) {
        diags_.error(Code::UnsupportedSyntax, call.location()) << "nn.Sequential takes one input";
        return TValue::invalid();
      }
      TValue x = args.positional[0];
      for (const auto& [name, child] : module->children) {
        CallArgs one;
        one.positional.push_back(x);
        one.positional_nodes.push_back(call);
        x = apply_module(child, one, call);
      }
      return x;
    }
    case Instance::Kind::Layer: {
      if (module->row && (module->row->kind == OpKind::Lstm || module->row->kind == OpKind::Gru ||
                          module->row->kind == OpKind::Rnn))
        return apply_recurrent(module, args, call);
      if (module->row && module->row->kind == OpKind::MultiHeadAttention)
        return trace_attention(module, args, call);
      if (args.positional.size() != 1 || !args.keywords.empty()) {
        diags_.error(Code::UnsupportedSyntax, call.location())
            << "layer '" << module->path << "' is called with other than one tensor";
        return TValue::invalid();
      }
      auto in = as_tensor(args.positional[0], call);
      if (!in) return TValue::invalid();
      return apply_layer(module, *in, call);
    }
    case Instance::Kind::User: return call_user(module, args, call);
    case Instance::Kind::ModuleList:
      diags_.error(Code::UnsupportedOperation, call.location()) << "nn.ModuleList is not callable";
      return TValue::invalid();
    case Instance::Kind::Unsupported: {
      std::vector<pivot::ValueId> ins;
      for (const auto& a : args.positional)
        if (a.is_tensor()) ins.push_back(a.tensor);
      TValue out = unsupported(call, module->code, module->message, ins, false);
      g_.nodes.back().module_path = module->path;
      return out;
    }
  }
  return TValue::invalid();
}

TValue Tracer::apply_layer(const InstancePtr& module, pivot::ValueId input, Node call) {
  pivot::Attrs attrs = module->attrs;
  const OpKind kind = module->row->kind;
  if (attrs.count("output_size"))  // adaptive pooling to sizes other than 1
    return trace_adaptive_pool(*this, kind, input, attrs,
                               module->path.empty() ? "adaptive_pool" : module->path, call);
  if ((kind == OpKind::Softmax || kind == OpKind::LogSoftmax) && !attrs.count("axis")) {
    // PyTorch's legacy rule (_get_softmax_dim): dim 0 for ranks 0, 1 and 3, else dim 1.
    const auto& t = type_of(input);
    if (!need_rank(input, call))
      return unsupported(call, Code::NeedsInputShape, "softmax dim unknown", {input}, false);
    const int64_t axis = (t.rank() == 0 || t.rank() == 1 || t.rank() == 3) ? 0 : 1;
    attrs["axis"] = axis;
    diags_.warning(Code::UnsupportedArgument, module->created)
        << "nn." << (kind == OpKind::Softmax ? "Softmax" : "LogSoftmax")
        << " without dim uses PyTorch's implicit dim (deprecated); migrated as dim=" << axis;
  }
  const std::string path = module->path.empty() ? std::string(pivot::op_name(kind)) : module->path;
  TValue out = add_node(kind, path, module->path, {input}, std::move(attrs), call);
  pivot::Node& node = g_.nodes.back();
  auto& params = params_[module.get()];
  if (params.empty()) {
    const auto& op = pivot::schema(kind);
    for (const auto& spec : op.params) {
      if (!frameworks::pytorch::param_present(node, spec.role)) continue;
      pivot::Param p;
      p.name = module->path.empty() ? spec.role : module->path + "." + spec.role;
      p.shape = op.param_shape(node, spec.role);
      params[spec.role] = g_.add_param(std::move(p));
    }
  }
  node.params = params;
  return out;
}

TValue Tracer::call_user(const InstancePtr& module, const CallArgs& args, Node call) {
  std::vector<TraceInput> inputs;
  std::vector<pivot::ValueId> in_values;
  std::vector<TValue> const_args;
  for (const auto& a : args.positional) {
    if (a.kind == TValue::Kind::Const) {
      const_args.push_back(a);
      continue;
    }
    auto v = as_tensor(a, call);
    if (!v) return TValue::invalid();
    TraceInput ti{g_.values[*v].name, type_of(*v), pending_.count(*v) > 0, {}};
    if (auto f = folded_.find(*v); f != folded_.end()) ti.folded = f->second;
    inputs.push_back(ti);
    in_values.push_back(*v);
  }
  if (!args.keywords.empty())
    diags_.error(Code::UnsupportedSyntax, call.location())
        << "keyword arguments to a block's forward() are not supported";
  if (ctx_.depth > kMaxNesting) {
    return unsupported(call, Code::UnsupportedSyntax, "modules nested too deeply", in_values);
  }
  std::string key = module->cls->name + "(";
  for (const auto& [name, value] : module->args) key += name + "=" + value.repr() + ",";
  key += ")";
  for (const auto& c : const_args) key += c.constant.repr() + ";";

  std::string def_name;
  std::vector<pivot::TensorType> out_types;
  bool returns_tuple = false;
  auto cached = ctx_.definitions.find(key);
  ++ctx_.depth;
  if (cached != ctx_.definitions.end()) {
    const pivot::ModuleDef& existing = ctx_.model->modules[cached->second];
    def_name = existing.name;
    returns_tuple = ctx_.returns_tuple[def_name];
    bool same_inputs = existing.graph.inputs.size() == inputs.size();
    for (size_t i = 0; same_inputs && i < inputs.size(); ++i)
      same_inputs = existing.graph.values[existing.graph.inputs[i].value].type == inputs[i].type;
    if (same_inputs) {
      for (const auto& port : existing.graph.outputs)
        out_types.push_back(existing.graph.values[port.value].type);
    } else {
      // Another input shape: retrace quietly (diagnostics were reported with the definition).
      DiagnosticEngine quiet;
      pivot::ModuleDef scratch;
      Tracer inner(ctx_, quiet, module, scratch);
      bool tuple = false;
      inner.run(inputs, const_args, tuple);
      for (const auto& port : scratch.graph.outputs)
        out_types.push_back(scratch.graph.values[port.value].type);
    }
  } else {
    int& uses = ctx_.definition_names[module->cls->name];
    ++uses;
    def_name = uses == 1 ? module->cls->name : module->cls->name + "_" + std::to_string(uses);
    pivot::ModuleDef def;
    def.name = def_name;
    def.class_name = module->cls->name;
    def.location = module->cls->node.location();
    for (const auto& [name, value] : module->args) {
      if (value.is_bool())
        def.args[name] = value.b;
      else if (value.is_int())
        def.args[name] = value.i;
      else if (value.kind == Constant::Kind::Float)
        def.args[name] = value.f;
      else if (value.is_string())
        def.args[name] = value.s;
      else if (auto ints = value.as_ints())
        def.args[name] = *ints;
      else
        def.args[name] = value.repr();
    }
    Tracer inner(ctx_, diags_, module, def);
    inner.run(inputs, const_args, returns_tuple);
    for (const auto& port : def.graph.outputs)
      out_types.push_back(def.graph.values[port.value].type);
    ctx_.returns_tuple[def_name] = returns_tuple;
    ctx_.model->modules.push_back(std::move(def));
    ctx_.definitions[key] = ctx_.model->modules.size() - 1;
  }
  --ctx_.depth;
  // Inputs whose type the block decided.
  for (size_t i = 0; i < in_values.size() && i < inputs.size(); ++i) {
    if (pending_.count(in_values[i]) && !inputs[i].pending) {
      g_.values[in_values[i]].type = inputs[i].type;
      if (inputs_ && input_index_.count(in_values[i])) {
        (*inputs_)[input_index_[in_values[i]]].type = inputs[i].type;
        (*inputs_)[input_index_[in_values[i]]].pending = false;
      }
    }
    pending_.erase(in_values[i]);
  }
  if (out_types.empty())
    return unsupported(call, Code::UnsupportedSyntax, "block could not be traced", in_values,
                       false);
  pivot::Node node;
  node.kind = OpKind::Call;
  node.name = unique_node_name(module->path.empty() ? def_name : module->path);
  node.module_path = module->path;
  node.inputs = in_values;
  node.attrs["callee"] = def_name;
  node.location = call.location();
  std::vector<TValue> outs;
  for (size_t i = 0; i < out_types.size(); ++i) {
    const pivot::ValueId v = g_.add_value(
        out_types.size() == 1 ? node.name : node.name + "_" + std::to_string(i), out_types[i]);
    node.outputs.push_back(v);
    outs.push_back(TValue::of_tensor(v));
  }
  // The call op's shape rule leaves types to the inliner, so the traced types are set here.
  g_.nodes.push_back(std::move(node));
  propagate_folded(g_.nodes.back());
  if (!returns_tuple && outs.size() == 1) return outs[0];
  return TValue::of_tuple(std::move(outs));
}

// ---------------------------------------------------------------- entry

TraceResult trace_module(Context& ctx, const InstancePtr& self, const std::string& def_name,
                         std::vector<TraceInput> inputs, const std::vector<TValue>& const_args) {
  TraceResult result;
  result.def.name = def_name;
  result.def.class_name = self->cls ? self->cls->name : "Sequential";
  result.def.location = self->cls ? self->cls->node.location() : self->created;
  Tracer tracer(ctx, *ctx.diags, self, result.def);
  bool tuple = false;
  result.ok = tracer.run(inputs, const_args, tuple);
  result.inputs = std::move(inputs);
  return result;
}

}  // namespace nnport::readers::pytorch
