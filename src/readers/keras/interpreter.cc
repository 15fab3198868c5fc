// Statement and expression walking for the Keras reader (see interpreter.h).
#include "readers/keras/interpreter.h"

#include <algorithm>
#include <limits>
#include <set>

#include "frameworks/keras/reader_rows.h"
#include "frameworks/keras/snake_case.h"
#include "passes/shape_inference.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/training_wrappers.h"
#include "syntax/builtins.h"

namespace nnport::readers::keras {

using pivot::OpKind;
using syntax::Field;
using syntax::Kind;

namespace {

// Statements walked in one read: a loop over a huge range must end with a diagnostic.
constexpr long kMaxSteps = 100000;
constexpr int kMaxDepth = 48;

std::string fold_prefix(std::string q) {
  static const char* kPrefixes[][2] = {
      {"tensorflow.keras.", "keras."},        {"tf.keras.", "keras."},
      {"keras.src.layers.", "keras.layers."}, {"keras.api.", "keras."},
      {"tensorflow.python.keras.", "keras."},
  };
  for (auto& [from, to] : kPrefixes)
    if (q.rfind(from, 0) == 0) q = std::string(to) + q.substr(std::string(from).size());
  if (q.rfind("keras.models.", 0) == 0) q = "keras." + q.substr(13);
  return q;
}

// d[key] = value, keeping Python's insertion order (a new key goes last).
void dict_set(Value& dict, const Constant& key, Value value) {
  for (size_t i = 0; i < dict.keys.size(); ++i)
    if (dict.keys[i] == key) {
      dict.items[i] = std::move(value);
      return;
    }
  dict.keys.push_back(key);
  dict.items.push_back(std::move(value));
}

const Value* dict_get(const Value& dict, const Constant& key) {
  for (size_t i = 0; i < dict.keys.size(); ++i)
    if (dict.keys[i] == key) return &dict.items[i];
  return nullptr;
}

// What `for x in v` visits: list items, a dict's keys, a constant sequence's items; nullopt
// for anything else.
std::optional<std::vector<Value>> iteration_items(const Value& v) {
  std::vector<Value> items;
  if (v.kind == Value::Kind::List) return v.items;
  if (v.kind == Value::Kind::Dict) {
    for (const auto& k : v.keys) items.push_back(Value::of_const(k));
    return items;
  }
  if (v.kind == Value::Kind::Const && v.constant.is_ordered_sequence()) {
    for (const auto& c : v.constant.items) items.push_back(Value::of_const(c));
    return items;
  }
  if (v.kind == Value::Kind::Const && v.constant.is_string() &&
      v.constant.s.size() <= syntax::kMaxFoldItems) {
    for (char ch : v.constant.s) items.push_back(Value::of_const(Constant::string({ch})));
    return items;
  }
  return std::nullopt;
}

// A Python builtin applied to reader values: the ones holding layers or tensors (a list of
// blocks, a dict of heads) are walked here; constants are folded by syntax::apply_builtin.
std::optional<Value> builtin_on_values(const std::string& name, const std::vector<Value>& args,
                                       const std::vector<std::pair<std::string, Value>>& kwargs) {
  const bool one_list = args.size() == 1 && kwargs.empty() &&
                        (args[0].kind == Value::Kind::List || args[0].kind == Value::Kind::Dict);
  if (!one_list && !(name == "zip" && !args.empty() && kwargs.empty())) return std::nullopt;
  if (name == "len")
    return Value::of_const(Constant::integer(static_cast<int64_t>(args[0].items.size())));
  if ((name == "list" || name == "tuple") && args[0].kind == Value::Kind::List) return args[0];
  if (name == "reversed" && args[0].kind == Value::Kind::List) {
    Value out = args[0];
    std::reverse(out.items.begin(), out.items.end());
    return out;
  }
  if (name == "enumerate") {
    auto items = iteration_items(args[0]);
    if (!items) return std::nullopt;
    std::vector<Value> out;
    for (size_t i = 0; i < items->size(); ++i)
      out.push_back(Value::of_list(
          {Value::of_const(Constant::integer(static_cast<int64_t>(i))), (*items)[i]}));
    return Value::of_list(std::move(out));
  }
  if (name == "zip") {
    std::vector<std::vector<Value>> columns;
    size_t n = std::numeric_limits<size_t>::max();
    for (const auto& a : args) {
      auto items = iteration_items(a);
      if (!items) return std::nullopt;
      n = std::min(n, items->size());
      columns.push_back(std::move(*items));
    }
    std::vector<Value> out;
    for (size_t k = 0; k < n; ++k) {
      std::vector<Value> row;
      for (const auto& col : columns) row.push_back(col[k]);
      out.push_back(Value::of_list(std::move(row)));
    }
    return Value::of_list(std::move(out));
  }
  if (name == "dict" && args[0].kind == Value::Kind::List) {
    // dict([(key, value), ...]) with constant keys.
    Value dict;
    dict.kind = Value::Kind::Dict;
    for (const auto& pair : args[0].items) {
      std::vector<Value> kv = pair.items;
      if (pair.kind == Value::Kind::Const && pair.constant.is_ordered_sequence())
        for (const auto& c : pair.constant.items) kv.push_back(Value::of_const(c));
      auto key = kv.size() == 2 ? kv[0].as_constant() : std::nullopt;
      if (!key || !(key->is_string() || key->is_int())) return std::nullopt;
      dict_set(dict, *key, kv[1]);
    }
    return dict;
  }
  return std::nullopt;
}

std::vector<Node> argument_nodes(Node call) {
  Node list = call.field(Field::Arguments);
  return list ? list.named_children() : std::vector<Node>{};
}

}  // namespace

std::optional<Constant> Value::as_constant() const {
  if (kind == Kind::Const) return constant;
  if (kind == Kind::None) return Constant::none();
  if (kind == Kind::List) {
    std::vector<Constant> out;
    for (const auto& item : items) {
      auto c = item.as_constant();
      if (!c) return std::nullopt;
      out.push_back(*c);
    }
    return Constant::tuple(std::move(out));
  }
  return std::nullopt;
}

const Value* Layer::kwarg(const std::string& key) const {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

pivot::TensorType keras_input_type(const std::vector<int64_t>& shape_without_batch,
                                   pivot::DType dtype) {
  pivot::TensorType t;
  t.dtype = dtype;
  t.shape.push_back(pivot::kBatch);
  for (int64_t d : shape_without_batch) t.shape.push_back(d < 0 ? pivot::kUnknown : d);
  return t;
}

SourceLocation Interpreter::loc(Node n) const {
  if (n) return n.location();
  return SourceLocation{ctx_.path, 1, 1};
}

std::optional<std::string> Interpreter::qualify(Node expr, Frame& frame) {
  // A local name shadows an import.
  Node root = expr;
  while (root.is(Kind::Attribute)) root = root.field(Field::Object);
  if (root.is(Kind::Identifier) && frame.locals.count(std::string(root.text())))
    return std::nullopt;
  auto q = ctx_.imports.qualify(expr);
  if (!q) {
    if (root.is(Kind::Identifier) && (root.text() == "keras" || root.text() == "tf")) {
      std::string text(expr.text());
      q = root.text() == "tf" ? "tensorflow" + text.substr(2) : text;
    } else {
      return std::nullopt;
    }
  }
  return fold_prefix(*q);
}

pivot::ValueId Interpreter::add_input(const std::string& name, const pivot::TensorType& type,
                                      Node) {
  const auto id = ctx_.graph.add_value(ctx_.graph.unique_value_name(name), type);
  ctx_.graph.inputs.push_back(pivot::Port{ctx_.graph.values[id].name, id, {}});
  return id;
}

std::vector<pivot::ValueId> Interpreter::add_node(OpKind kind, pivot::Attrs attrs,
                                                  std::vector<pivot::ValueId> inputs, Node site,
                                                  const std::string& name,
                                                  const std::string& module_path,
                                                  size_t num_outputs) {
  auto& g = ctx_.graph;
  pivot::Node node;
  node.kind = kind;
  std::string base = name.empty() ? std::string(pivot::op_name(kind)) : name;
  std::string unique = base;
  for (int i = 1; ctx_.node_names.count(unique); ++i) unique = base + "_" + std::to_string(i);
  ctx_.node_names.insert(unique);
  node.name = unique;
  node.module_path = module_path;
  node.inputs = std::move(inputs);
  node.attrs = std::move(attrs);
  node.location = loc(site);
  std::vector<pivot::ValueId> outs;
  for (size_t i = 0; i < num_outputs; ++i) {
    std::string value_name = num_outputs == 1 ? unique : unique + "_" + std::to_string(i);
    outs.push_back(g.add_value(g.unique_value_name(value_name), {}));
  }
  node.outputs = outs;
  g.nodes.push_back(std::move(node));
  std::string error;
  if (!passes::infer_node(g, g.nodes.size() - 1, error))
    ctx_.diags->error(Code::ShapeMismatch, loc(site)) << error;
  // A folded batch axis stays folded through ops that keep the first axis.
  const auto& added = g.nodes.back();
  if (!added.inputs.empty() && kind != OpKind::Reshape &&
      !(kind == OpKind::Transpose &&
        (pivot::attr_ints(added, "perm").empty() || pivot::attr_ints(added, "perm")[0] != 0)))
    if (auto f = ctx_.folded.find(added.inputs[0]); f != ctx_.folded.end())
      for (auto out : outs)
        if (g.values[out].type.rank_known && !g.values[out].type.shape.empty() &&
            g.values[out].type.shape[0] == pivot::kUnknown)
          ctx_.folded[out] = f->second;
  return outs;
}

Value Interpreter::unsupported(Code code, Node site, const std::string& message,
                               const std::vector<pivot::ValueId>& inputs) {
  ctx_.diags->error(code, loc(site)) << message;
  pivot::Attrs attrs{{"code", std::string(code_info(code).name)},
                     {"text", std::string(site ? site.text().substr(0, 200) : "")},
                     {"message", message}};
  auto outs = add_node(OpKind::Unsupported, std::move(attrs), inputs, site, "unsupported", "");
  return Value::of_tensor(outs[0]);
}

std::string Interpreter::auto_name(const std::string& cls) {
  const std::string base = frameworks::keras::to_snake_case(cls);
  int& n = ctx_.auto_names[base];
  const std::string name = n == 0 ? base : base + "_" + std::to_string(n);
  ++n;
  return name;
}

// ---------------------------------------------------------------------------------------------
// Statements

bool Interpreter::exec_block(Node block, Frame& frame, Value* ret) {
  for (Node stmt : block.named_children())
    if (exec_statement(stmt, frame, ret)) return true;
  return false;
}

bool Interpreter::exec_statement(Node stmt, Frame& frame, Value* ret) {
  if (++ctx_.steps > kMaxSteps) {
    if (ctx_.steps == kMaxSteps + 1)
      ctx_.diags->error(Code::UnsupportedSyntax, loc(stmt))
          << "the model code runs too long to follow statically";
    return true;
  }
  switch (stmt.kind()) {
    case Kind::Comment:
    case Kind::PassStatement:
    case Kind::ImportStatement:
    case Kind::ImportFromStatement:
    case Kind::FutureImportStatement:
    case Kind::FunctionDefinition:
    case Kind::ClassDefinition:
    case Kind::DecoratedDefinition: return false;
    case Kind::ExpressionStatement: {
      Node e = stmt.named_child(0);
      if (e.is(Kind::Assignment)) {
        Node right = e.field(Field::Right);
        if (!right) return false;  // annotation only
        Value v = eval(right, frame);
        assign(e.field(Field::Left), v, frame);
      } else if (e.is(Kind::AugmentedAssignment)) {
        Node target = e.field(Field::Left);
        std::string op(e.field(Field::Operator).text());
        op.pop_back();  // "+=" -> "+"
        Value a = eval(target, frame);
        Value b = eval(e.field(Field::Right), frame);
        Value r;
        if (a.is_tensor() || b.is_tensor()) {
          r = tensor_binary(op, a, b, e);
        } else if (a.kind == Value::Kind::Array) {
          // NumPy's in-place operators never change the target's shape: X -= X.mean(axis=0)
          // broadcasts the right side into X or raises.
          r = a;
        } else if (auto ca = a.as_constant(), cb = b.as_constant(); ca && cb) {
          auto c = syntax::apply_binary(op, *ca, *cb);
          r = c ? Value::of_const(*c) : Value::unknown();
        }
        assign(target, r, frame);
      } else if (!e.is(Kind::String)) {
        eval(e, frame);
      }
      return false;
    }
    case Kind::ReturnStatement: {
      Node v = stmt.named_child(0);
      if (ret) *ret = v ? eval(v, frame) : Value{};
      return true;
    }
    case Kind::IfStatement: {
      Value cond = eval(stmt.field(Field::Condition), frame);
      auto c = cond.as_constant();
      if (!c) {
        ctx_.diags->error(Code::NotConstant, loc(stmt.field(Field::Condition)))
            << "this condition is not known statically";
        return false;
      }
      if (c->truthy()) return exec_block(stmt.field(Field::Consequence), frame, ret);
      for (Node alt : stmt.fields(Field::Alternative)) {
        if (alt.is(Kind::ElifClause)) {
          auto ec = eval(alt.field(Field::Condition), frame).as_constant();
          if (!ec) {
            ctx_.diags->error(Code::NotConstant, loc(alt))
                << "this condition is not known statically";
            return false;
          }
          if (ec->truthy()) return exec_block(alt.field(Field::Consequence), frame, ret);
        } else if (alt.is(Kind::ElseClause)) {
          return exec_block(alt.field(Field::Body), frame, ret);
        }
      }
      return false;
    }
    case Kind::ForStatement: {
      Value seq = eval(stmt.field(Field::Right), frame);
      const auto items = iteration_items(seq);
      if (!items) {
        ctx_.diags->error(Code::UnsupportedSyntax, loc(stmt.field(Field::Right)))
            << "the reader only follows loops over constant ranges, lists, dicts and layer lists";
        return false;
      }
      for (const auto& item : *items) {
        assign(stmt.field(Field::Left), item, frame);
        if (exec_block(stmt.field(Field::Body), frame, ret)) return true;
      }
      return false;
    }
    default:
      // `assert model.output_shape == (None, 7, 7, 16)` (TensorFlow tutorials) checks the model
      // and changes nothing in it; the shapes are inferred and checked again by the passes.
      // check_assert records the shape checks, verified once the model is applied.
      if (stmt.type() == "assert_statement") {
        check_assert(stmt, frame);
        return false;
      }
      ctx_.diags->error(Code::UnsupportedSyntax, loc(stmt))
          << "the reader cannot follow this statement ('" << stmt.type() << "')";
      return false;
  }
}

void Interpreter::assign(Node target, const Value& value, Frame& frame) {
  if (target.is(Kind::Identifier)) {
    frame.locals[std::string(target.text())] = value;
    return;
  }
  if (target.is(Kind::Attribute) && target.field(Field::Object).text() == "self" && frame.self) {
    const std::string attr(target.field(Field::Attribute).text());
    auto& attrs = frame.self->attrs;
    Value stored = value;
    // self.w = self.add_weight(...): the weight is known by its attribute in the output.
    if (stored.kind == Value::Kind::Variable && !stored.qualified.empty() &&
        stored.qualified.back() == '.')
      stored.qualified += attr;
    auto it =
        std::find_if(attrs.begin(), attrs.end(), [&](const auto& p) { return p.first == attr; });
    if (it != attrs.end())
      it->second = stored;
    else
      attrs.emplace_back(attr, stored);
    return;
  }
  if (target.is(Kind::Subscript) && target.fields(Field::Subscript).size() == 1) {
    // d[key] = value on a local dict or a dict attribute of self.
    Node object = target.field(Field::Value);
    Value* dict = nullptr;
    if (object.is(Kind::Identifier)) {
      if (auto it = frame.locals.find(std::string(object.text())); it != frame.locals.end())
        dict = &it->second;
    } else if (object.is(Kind::Attribute) && object.field(Field::Object).text() == "self" &&
               frame.self) {
      for (auto& [k, v] : frame.self->attrs)
        if (k == object.field(Field::Attribute).text()) dict = &v;
    }
    auto key = eval(target.fields(Field::Subscript)[0], frame).as_constant();
    if (dict && dict->kind == Value::Kind::Dict && key && (key->is_string() || key->is_int())) {
      dict_set(*dict, *key, value);
      return;
    }
  }
  if (target.is(Kind::PatternList) || target.is(Kind::TuplePattern) ||
      target.is(Kind::ListPattern) || target.is(Kind::Tuple) || target.is(Kind::List)) {
    auto targets = target.named_children();
    if (value.kind == Value::Kind::Data) {
      // (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
      for (size_t i = 0; i < targets.size(); ++i)
        assign(targets[i],
               data_value("item#" + std::to_string(value.data) + "#" + std::to_string(i), target),
               frame);
      return;
    }
    std::vector<Value> items = value.items;
    if (value.kind == Value::Kind::Const && value.constant.is_ordered_sequence())
      for (const auto& c : value.constant.items) items.push_back(Value::of_const(c));
    if (items.size() != targets.size()) {
      ctx_.diags->error(Code::UnsupportedSyntax, loc(target))
          << "cannot unpack this value statically";
      return;
    }
    for (size_t i = 0; i < targets.size(); ++i) assign(targets[i], items[i], frame);
    return;
  }
  ctx_.diags->error(Code::UnsupportedSyntax, loc(target))
      << "the reader cannot assign to '" << target.text() << "'";
}

// ---------------------------------------------------------------------------------------------
// Expressions

Value Interpreter::lookup(const std::string& name, Node site, Frame& frame) {
  if (auto it = frame.locals.find(name); it != frame.locals.end()) return it->second;
  if (auto it = ctx_.module_values.find(name); it != ctx_.module_values.end()) return it->second;
  if (auto it = ctx_.module_assignments.find(name); it != ctx_.module_assignments.end()) {
    // Module-level names are evaluated when first used, so unrelated script code (data
    // loading, training) is never followed.
    Node expr = it->second;
    ctx_.module_assignments.erase(it);
    Frame module_frame;
    Value v = eval(expr, module_frame);
    ctx_.module_values[name] = v;
    return v;
  }
  if (const Constant* c = ctx_.globals.lookup(name)) return Value::of_const(*c);
  if (auto it = ctx_.functions.find(name); it != ctx_.functions.end()) {
    Value v;
    v.kind = Value::Kind::Function;
    v.def = it->second;
    return v;
  }
  if (auto it = ctx_.classes.find(name); it != ctx_.classes.end()) {
    Value v;
    v.kind = Value::Kind::Class;
    v.cls = &it->second;
    return v;
  }
  if (auto q = qualify(site, frame)) {
    Value v;
    v.kind = Value::Kind::Name;
    v.qualified = *q;
    return v;
  }
  if (name == "self" && frame.self) return Value::of_layer(frame.self);
  if (syntax::is_folded_builtin(name) || name == "dict" || name == "open") {
    Value v;
    v.kind = Value::Kind::Name;  // an empty qualified name: a Python builtin
    return v;
  }
  if (frame.unbound.count(name)) {
    // A builder with parameters read on its own (its callers pass run-time values, as in
    // `for units in [32, 64]: model = build_model(units)`): one class cannot stand for them.
    ctx_.diags->error(Code::NotConstant, loc(site))
        << "'" << name << "' is a parameter of '" << frame.function
        << "' without a default, and no call of it with constant arguments builds the migrated "
           "model (a call in a loop or with run-time values is not followed): what depends on it "
           "is not migrated; call the builder with constant arguments (`model = "
        << frame.function << "(...)` at module level) or give the parameter a default";
    return Value::unknown();
  }
  ctx_.diags->error(Code::UnknownName, loc(site)) << "'" << name << "' is not defined here";
  return Value::unknown();
}

Value Interpreter::eval_expr(Node expr, Frame& frame) {
  if (!expr) return Value{};
  if (++ctx_.depth > kMaxDepth) {
    --ctx_.depth;
    ctx_.diags->error(Code::UnsupportedSyntax, loc(expr)) << "the expression nests too deeply";
    return Value::unknown();
  }
  struct DepthGuard {
    int& d;
    ~DepthGuard() { --d; }
  } guard{ctx_.depth};
  switch (expr.kind()) {
    case Kind::Identifier: return lookup(std::string(expr.text()), expr, frame);
    case Kind::ParenthesizedExpression: return eval(expr.named_child(0), frame);
    case Kind::List:
    case Kind::Tuple:
    case Kind::ExpressionList: {
      std::vector<Value> items;
      for (Node item : expr.named_children())
        if (!item.is(Kind::Comment)) items.push_back(eval(item, frame));
      return Value::of_list(std::move(items));
    }
    case Kind::Dictionary: {
      // {"a": layers.Dense(4), ...}: constant keys, values followed like list items.
      Value dict;
      dict.kind = Value::Kind::Dict;
      for (Node pair : expr.named_children()) {
        if (pair.is(Kind::Comment)) continue;
        if (!pair.is(Kind::Pair)) {
          ctx_.diags->error(Code::UnsupportedSyntax, loc(pair))
              << "the reader only follows dictionaries of 'key: value' pairs";
          return Value::unknown();
        }
        auto key = eval(pair.field(Field::Key), frame).as_constant();
        if (!key || !(key->is_string() || key->is_int())) {
          ctx_.diags->error(Code::NotConstant, loc(pair.field(Field::Key)))
              << "a dictionary key must be a constant string or integer";
          return Value::unknown();
        }
        Value value = eval(pair.field(Field::Value), frame);
        dict_set(dict, *key, std::move(value));
      }
      return dict;
    }
    case Kind::Call: return eval_call(expr, frame);
    case Kind::Lambda: {  // called like a user `def` (call_function)
      Value v;
      v.kind = Value::Kind::Function;
      v.def = expr;
      return v;
    }
    case Kind::ListComprehension: return eval_comprehension(expr, frame);
    case Kind::Attribute: return eval_attribute(expr, frame);
    case Kind::Subscript: return eval_subscript(expr, frame);
    case Kind::BinaryOperator: return eval_binary(expr, frame);
    case Kind::UnaryOperator: {
      Value v = eval(expr.field(Field::Argument), frame);
      if (v.is_tensor() && expr.child(0).text() == "-")
        return tensor_binary("*", v, Value::of_const(Constant::floating(-1.0)), expr);
      break;
    }
    default: break;
  }
  // {k: v[:n] for k, v in columns.items()}: read like a list comprehension (data preparation).
  if (expr.type() == "dictionary_comprehension") return eval_comprehension(expr, frame);
  // Constants: literals, arithmetic of known names.
  syntax::Scope scope(&ctx_.globals);
  for (const auto& [name, v] : frame.locals)
    if (auto c = v.as_constant()) scope.bind(name, *c);
  syntax::ConstEvaluator evaluator(scope, [&](Node n) -> std::optional<Constant> {
    if (n.is(Kind::Attribute) && n.field(Field::Object).text() == "self" && frame.self)
      for (const auto& [k, v] : frame.self->attrs)
        if (k == n.field(Field::Attribute).text()) return v.as_constant();
    // `1 if backend.image_data_format() == "channels_first" else -1`: configuration constants.
    if (n.is(Kind::Call))
      if (auto q = qualify(n.field(Field::Function), frame))
        if (q->rfind("keras.backend.", 0) == 0 || q->rfind("keras.config.", 0) == 0)
          return eval(n, frame).as_constant();
    // `filters != x.shape[-1]`: static facts of a local tensor (its shape) are constants.
    Node root = n;
    while (root.is(Kind::Attribute) || root.is(Kind::Subscript))
      root = root.is(Kind::Attribute) ? root.field(Field::Object) : root.field(Field::Value);
    if (root != n && root.is(Kind::Identifier) && n.text().find(".shape") != std::string_view::npos)
      if (auto it = frame.locals.find(std::string(root.text()));
          it != frame.locals.end() && it->second.is_tensor())
        return eval(n, frame).as_constant();
    return std::nullopt;
  });
  if (auto c = evaluator.eval(expr)) return Value::of_const(*c);
  if (expr.is(Kind::UnaryOperator) || expr.is(Kind::ComparisonOperator) ||
      expr.is(Kind::BooleanOperator) || expr.is(Kind::NotOperator) ||
      expr.is(Kind::ConditionalExpression)) {
    ctx_.diags->error(Code::NotConstant, loc(expr))
        << "'" << expr.text().substr(0, 80) << "' is not known statically";
    return Value::unknown();
  }
  ctx_.diags->error(Code::UnsupportedSyntax, loc(expr))
      << "the reader cannot follow '" << expr.text().substr(0, 80) << "'";
  return Value::unknown();
}

// [body for target in iterable if condition]: one `for` clause, evaluated in the caller's frame
// (the target name is bound there, as a loop variable would be).
Value Interpreter::eval_comprehension(Node expr, Frame& frame) {
  Node body = expr.field(Field::Body);
  Node clause, condition;
  int clauses = 0;
  for (Node child : expr.named_children()) {
    if (child.type() == "for_in_clause") {
      clause = child;
      ++clauses;
    } else if (child.type() == "if_clause") {
      condition = child.named_child(0);
    }
  }
  if (clauses != 1 || !body) {
    ctx_.diags->error(Code::UnsupportedSyntax, loc(expr))
        << "only comprehensions with one 'for' are followed";
    return Value::unknown();
  }
  Value seq = eval(clause.field(Field::Right), frame);
  const auto items = iteration_items(seq);
  if (!items) {
    ctx_.diags->error(Code::UnsupportedSyntax, loc(clause))
        << "the reader only follows comprehensions over constant ranges, lists and dicts";
    return Value::unknown();
  }
  const bool pairs = body.type() == "pair";  // a dict comprehension
  Value dict;
  dict.kind = Value::Kind::Dict;
  std::vector<Value> out;
  for (const auto& item : *items) {
    assign(clause.field(Field::Left), item, frame);
    if (condition) {
      auto c = eval(condition, frame).as_constant();
      if (!c) {
        ctx_.diags->error(Code::NotConstant, loc(condition))
            << "this condition is not known statically";
        return Value::unknown();
      }
      if (!c->truthy()) continue;
    }
    if (!pairs) {
      out.push_back(eval(body, frame));
      continue;
    }
    auto key = eval(body.field(Field::Key), frame).as_constant();
    if (!key || !(key->is_string() || key->is_int())) {
      ctx_.diags->error(Code::NotConstant, loc(body.field(Field::Key)))
          << "a dictionary key must be a constant string or integer";
      return Value::unknown();
    }
    dict_set(dict, *key, eval(body.field(Field::Value), frame));
  }
  if (pairs) return dict;
  return Value::of_list(std::move(out));
}

Value Interpreter::eval_attribute(Node expr, Frame& frame) {
  Node object = expr.field(Field::Object);
  const std::string attr(expr.field(Field::Attribute).text());
  if (object.text() == "self" && frame.self) {
    for (const auto& [k, v] : frame.self->attrs)
      if (k == attr) return v;
    ctx_.diags->error(Code::UnknownName, loc(expr))
        << "'self." << attr << "' is not set in __init__";
    return Value::unknown();
  }
  if (auto q = qualify(expr, frame)) {
    // Module constants tutorials compute with (`2 * np.pi * t / 288`).
    static constexpr std::pair<const char*, double> kModuleConstants[] = {
        {"numpy.pi", 3.141592653589793}, {"math.pi", 3.141592653589793},
        {"numpy.e", 2.718281828459045},  {"math.e", 2.718281828459045},
        {"math.tau", 6.283185307179586},
    };
    for (const auto& [name, value] : kModuleConstants)
      if (*q == name) return Value::of_const(Constant::floating(value));
    Value v;
    v.kind = Value::Kind::Name;
    v.qualified = *q;
    return v;
  }
  Value obj = eval(object, frame);
  if (obj.kind == Value::Kind::Array || obj.kind == Value::Kind::Data)
    return array_attribute(obj, attr, expr);
  if (obj.is_tensor() && attr == "shape") {
    std::vector<Value> dims;
    for (int64_t d : type_of(obj.tensor).shape)
      dims.push_back(d >= 0 ? Value::of_const(Constant::integer(d))
                            : Value::of_const(Constant::none()));
    return Value::of_list(std::move(dims));
  }
  if (obj.is_tensor() && attr == "T") {
    const size_t rank = type_of(obj.tensor).rank();
    std::vector<int64_t> perm;
    for (size_t i = rank; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    return Value::of_tensor(
        add_node(OpKind::Transpose, {{"perm", perm}}, {obj.tensor}, expr, "transpose", "")[0]);
  }
  if (obj.kind == Value::Kind::Layer) {
    for (const auto& [k, v] : obj.layer->attrs)
      if (k == attr) return v;
  }
  Value method;
  method.kind = Value::Kind::Unknown;
  return method;  // method calls are handled in eval_call
}

Value Interpreter::eval_subscript(Node expr, Frame& frame) {
  Value base = eval(expr.field(Field::Value), frame);
  if (base.is_tensor()) return tensor_subscript(base.tensor, expr, frame, expr);
  auto subs = expr.fields(Field::Subscript);
  if (base.kind == Value::Kind::Array || base.kind == Value::Kind::Data) {
    std::vector<Value> index;
    for (Node sub : subs) index.push_back(sub.is(Kind::Slice) ? Value{} : eval(sub, frame));
    return array_subscript(base, index, expr, frame);
  }
  if (subs.size() == 1 && subs[0].is(Kind::Slice) &&
      (base.kind == Value::Kind::List || base.kind == Value::Kind::Const)) {
    // items[1:], text[:12], layers[::-1]
    bool failed = false;
    auto bounds = syntax::slice_bounds(subs[0], [&](Node b) {
      auto c = eval(b, frame).as_constant();
      if (c && c->is_none()) return syntax::SliceBound{};
      if (!c || !c->as_int()) {
        failed = true;
        return syntax::SliceBound{true, std::nullopt};
      }
      return syntax::SliceBound{false, *c->as_int()};
    });
    if (bounds && base.kind == Value::Kind::Const) {
      std::string why;
      if (auto c = syntax::apply_slice(base.constant, *bounds, why)) return Value::of_const(*c);
      ctx_.diags->error(Code::NotConstant, loc(expr))
          << "'" << expr.text().substr(0, 80) << "' cannot be folded: " << why;
      return Value::unknown();
    }
    if (bounds) {
      // Slice the positions 0..n-1 as a constant, then pick the items.
      std::vector<Constant> positions;
      for (size_t i = 0; i < base.items.size(); ++i)
        positions.push_back(Constant::integer(static_cast<int64_t>(i)));
      std::string why;
      if (auto picked = syntax::apply_slice(Constant::list(positions), *bounds, why)) {
        Value out = Value::of_list({});
        for (const auto& p : picked->items)
          out.items.push_back(base.items[static_cast<size_t>(p.i)]);
        return out;
      }
    }
    if (failed) {
      ctx_.diags->error(Code::NotConstant, loc(subs[0]))
          << "the slice bounds are not known statically";
      return Value::unknown();
    }
  }
  if (subs.size() == 1) {
    Value index = eval(subs[0], frame);
    auto ic = index.as_constant();
    if (base.kind == Value::Kind::Dict && ic) {
      if (const Value* v = dict_get(base, *ic)) return *v;
      ctx_.diags->error(Code::UnknownName, loc(expr))
          << "'" << expr.text().substr(0, 80) << "': the dictionary has no key " << ic->repr();
      return Value::unknown();
    }
    if (base.kind == Value::Kind::List && ic && ic->is_int()) {
      int64_t i = ic->i;
      const auto n = static_cast<int64_t>(base.items.size());
      if (i < 0) i += n;
      if (i >= 0 && i < n) return base.items[static_cast<size_t>(i)];
    }
    if (base.kind == Value::Kind::Const && ic) {
      if (base.constant.is_string() && ic->is_int()) {
        int64_t i = ic->i;
        const auto n = static_cast<int64_t>(base.constant.s.size());
        if (i < 0) i += n;
        if (i >= 0 && i < n)
          return Value::of_const(Constant::string({base.constant.s[static_cast<size_t>(i)]}));
      }
      if (base.constant.is_ordered_sequence() && ic->is_int()) {
        int64_t i = ic->i;
        const auto n = static_cast<int64_t>(base.constant.items.size());
        if (i < 0) i += n;
        if (i >= 0 && i < n) return Value::of_const(base.constant.items[static_cast<size_t>(i)]);
      }
    }
  }
  ctx_.diags->error(Code::UnsupportedSyntax, loc(expr))
      << "the reader cannot index '" << expr.text().substr(0, 80) << "'";
  return Value::unknown();
}

Value Interpreter::eval_binary(Node expr, Frame& frame) {
  Value a = eval(expr.field(Field::Left), frame);
  Value b = eval(expr.field(Field::Right), frame);
  const std::string op(expr.field(Field::Operator).text());
  if (a.is_tensor() || b.is_tensor()) return tensor_binary(op, a, b, expr);
  // An array with a number or an array of its shape keeps the shape (X / 255.0, X - X.mean()).
  if (a.kind == Value::Kind::Array && (b.as_constant() || (b.kind == a.kind && b.shape == a.shape)))
    return a;
  if (b.kind == Value::Kind::Array && a.as_constant()) return b;
  if (a.kind == Value::Kind::Data || b.kind == Value::Kind::Data || a.kind == Value::Kind::Array ||
      b.kind == Value::Kind::Array)
    return data_value("binary#" + std::to_string(expr.start_byte()) + "#" + std::to_string(a.data) +
                          "#" + std::to_string(b.data),
                      expr);
  if (a.kind == Value::Kind::List && b.kind == Value::Kind::List && op == "+") {
    Value out = a;
    out.items.insert(out.items.end(), b.items.begin(), b.items.end());
    return out;
  }
  auto ca = a.as_constant();
  auto cb = b.as_constant();
  if (ca && cb)
    if (auto c = syntax::apply_binary(op, *ca, *cb)) return Value::of_const(*c);
  ctx_.diags->error(Code::NotConstant, loc(expr))
      << "'" << expr.text().substr(0, 80) << "' is not known statically";
  return Value::unknown();
}

Value Interpreter::eval_call(Node call, Frame& frame) {
  Node fn = call.field(Field::Function);
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  const bool super_call = fn.is(Kind::Attribute) && fn.field(Field::Object).is(Kind::Call) &&
                          fn.field(Field::Object).field(Field::Function).text() == "super";
  for (Node a : argument_nodes(call)) {
    if (a.is(Kind::Comment)) continue;
    if (a.is(Kind::KeywordArgument)) {
      kwargs.emplace_back(std::string(a.field(Field::Name).text()),
                          eval(a.field(Field::Value), frame));
    } else if (a.is(Kind::DictionarySplat) || a.is(Kind::ListSplat)) {
      // **kwargs forwarded to super().__init__ carry only name/trainable/dtype here.
      if (super_call) continue;
      // Conv2D(64, 3, **conv_args): the dict's entries are keyword arguments (a list's items
      // positional ones). Dropping them would silently change the layer, so anything not
      // followed is an error.
      const bool dict = a.is(Kind::DictionarySplat);
      Value v = eval(a.named_child(0), frame);
      if (!dict && v.kind == Value::Kind::Const && v.constant.is_ordered_sequence()) {
        std::vector<Value> items;
        for (const auto& c : v.constant.items) items.push_back(Value::of_const(c));
        v = Value::of_list(std::move(items));
      }
      bool followed = dict ? v.kind == Value::Kind::Dict : v.kind == Value::Kind::List;
      for (size_t i = 0; followed && dict && i < v.items.size(); ++i)
        followed = i < v.keys.size() && v.keys[i].is_string();
      if (!followed) {
        ctx_.diags->error(Code::UnsupportedSyntax, loc(a))
            << "the reader cannot follow the unpacked arguments '" << a.text().substr(0, 80) << "'";
        continue;
      }
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (dict)
          kwargs.emplace_back(v.keys[i].s, v.items[i]);
        else
          args.push_back(v.items[i]);
      }
    } else {
      args.push_back(eval(a, frame));
    }
  }
  // super().__init__(...)
  if (fn.is(Kind::Attribute) && fn.field(Field::Object).is(Kind::Call) &&
      fn.field(Field::Object).field(Field::Function).text() == "super") {
    if (fn.field(Field::Attribute).text() == "__init__" && frame.self)
      for (const auto& [k, v] : kwargs)
        if (k == "name")
          if (auto c = v.as_constant(); c && c->is_string()) frame.self->name = c->s;
    return Value{};
  }
  if (fn.is(Kind::Attribute)) {
    if (auto q = qualify(fn, frame)) return call_qualified(*q, args, kwargs, call, frame);
    const std::string method(fn.field(Field::Attribute).text());
    Value object = eval(fn.field(Field::Object), frame);
    if (object.kind == Value::Kind::Dict && args.empty() && kwargs.empty()) {
      // d.values() / d.keys() / d.items(): lists in insertion order.
      std::vector<Value> items;
      for (size_t i = 0; i < object.items.size(); ++i) {
        const Value key = Value::of_const(object.keys[i]);
        if (method == "values")
          items.push_back(object.items[i]);
        else if (method == "keys")
          items.push_back(key);
        else if (method == "items")
          items.push_back(Value::of_list({key, object.items[i]}));
      }
      if (method == "values" || method == "keys" || method == "items")
        return Value::of_list(std::move(items));
    }
    return call_method(object, method, args, kwargs, call, frame);
  }
  Value callee = eval(fn, frame);
  return call_value(callee, fn, args, kwargs, call, frame);
}

Value Interpreter::call_value(const Value& callee, Node callee_node, const std::vector<Value>& args,
                              const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                              Frame& frame) {
  if (callee.kind == Value::Kind::Name && callee.qualified == "functools.partial" &&
      !callee.items.empty())
    return call_partial(callee, args, kwargs, site, frame);
  switch (callee.kind) {
    case Value::Kind::Name:
      if (callee.qualified.empty()) break;  // a Python builtin, folded below
      return call_qualified(callee.qualified, args, kwargs, site, frame);
    case Value::Kind::Function: return call_function(callee.def, args, kwargs, nullptr, site);
    case Value::Kind::Class: {
      if (!callee.cls->is_layer) break;
      return Value::of_layer(instantiate(*callee.cls, args, kwargs, site));
    }
    case Value::Kind::Layer: return apply_layer(callee.layer, args, kwargs, site);
    case Value::Kind::Unknown: return Value::unknown();  // already reported
    default: break;
  }
  const std::string text(callee_node.text());
  if (callee.kind == Value::Kind::Name && text == "open")
    return data_value("source#" + std::to_string(site.start_byte()), site);
  if (callee.kind == Value::Kind::Name && (syntax::is_folded_builtin(text) || text == "dict")) {
    if (auto v = builtin_on_values(text, args, kwargs)) return *v;
    if (text == "len" && args.size() == 1 && args[0].kind == Value::Kind::Array &&
        !args[0].shape.empty())
      return Value::of_const(Constant::integer(args[0].shape[0]));
    std::string from_data;
    for (const auto& a : args)
      if (a.kind == Value::Kind::Data) from_data += "#" + std::to_string(a.data);
    if (!from_data.empty())  // len(chars) of data: the same unknown size at every use
      return data_value(text + from_data, site);
    std::vector<Constant> cargs;
    syntax::ConstantKwargs ckwargs;
    for (const auto& a : args)
      if (auto c = a.as_constant()) cargs.push_back(std::move(*c));
    for (const auto& [k, a] : kwargs)
      if (auto c = a.as_constant()) ckwargs.emplace_back(k, std::move(*c));
    if (cargs.size() == args.size() && ckwargs.size() == kwargs.size()) {
      if (text == "range") {
        // Reported against the reader's statement budget rather than the folding cap.
        int64_t start = 0, stop = 0, step = 1;
        if (cargs.size() == 1 && cargs[0].is_int())
          stop = cargs[0].i;
        else if (cargs.size() >= 2 && cargs[0].is_int() && cargs[1].is_int()) {
          start = cargs[0].i;
          stop = cargs[1].i;
          if (cargs.size() == 3 && cargs[2].is_int()) step = cargs[2].i;
        }
        if (step != 0 && (stop - start) / step > kMaxSteps) {
          ctx_.diags->error(Code::UnsupportedSyntax, loc(site))
              << "this range is too long to follow statically";
          return Value::unknown();
        }
      }
      std::string why;
      if (auto c = syntax::apply_builtin(text, cargs, ckwargs, why)) return Value::of_const(*c);
      ctx_.diags->error(Code::NotConstant, loc(site))
          << "'" << site.text().substr(0, 80) << "' cannot be folded: " << why;
      return Value::unknown();
    }
    if (std::any_of(args.begin(), args.end(),
                    [](const Value& a) { return a.kind == Value::Kind::Unknown; }))
      return Value::unknown();  // already reported
  }
  ctx_.diags->error(Code::UnsupportedOperation, loc(site))
      << "the reader cannot follow the call '" << site.text().substr(0, 80) << "'";
  std::vector<pivot::ValueId> tensors;
  for (const auto& a : args)
    if (a.is_tensor()) tensors.push_back(a.tensor);
  if (!tensors.empty()) {
    pivot::Attrs attrs{{"code", std::string("unsupported-operation")},
                       {"text", std::string(site.text().substr(0, 200))},
                       {"message", std::string("call not followed")}};
    return Value::of_tensor(
        add_node(OpKind::Unsupported, std::move(attrs), tensors, site, "unsupported", "")[0]);
  }
  return Value::unknown();
}

Value Interpreter::call_function(Node def, const std::vector<Value>& args,
                                 const std::vector<std::pair<std::string, Value>>& kwargs,
                                 Frame* self_frame, Node site) {
  if (ctx_.depth > kMaxDepth) {
    ctx_.diags->error(Code::UnsupportedSyntax, loc(site))
        << "calls nest too deeply to follow statically";
    return Value::unknown();
  }
  ++ctx_.depth;
  Frame frame;
  if (self_frame) {
    frame.self = self_frame->self;
    frame.in_call = self_frame->in_call;
  }
  size_t next = 0;
  bool skip_self = self_frame != nullptr;
  const Node parameters = def.field(Field::Parameters);  // none in `lambda: ...`
  std::string star_args, star_kwargs;  // the names of `*args` and `**kwargs`, when declared
  std::set<std::string> named;
  for (Node p : parameters ? parameters.named_children() : std::vector<Node>{}) {
    std::string name;
    Node default_value;
    if (p.is(Kind::Identifier))
      name = std::string(p.text());
    else if (p.is(Kind::DefaultParameter) || p.is(Kind::TypedDefaultParameter)) {
      name = std::string(p.field(Field::Name).text());
      default_value = p.field(Field::Value);
    } else if (p.is(Kind::TypedParameter)) {
      name = std::string(p.named_child(0).text());
    } else {
      if (p.is(Kind::ListSplatPattern) && p.named_child(0).is(Kind::Identifier))
        star_args = std::string(p.named_child(0).text());
      if (p.is(Kind::DictionarySplatPattern) && p.named_child(0).is(Kind::Identifier))
        star_kwargs = std::string(p.named_child(0).text());
      continue;
    }
    named.insert(name);
    if (skip_self) {
      skip_self = false;
      continue;
    }
    Value v;
    bool bound = false;
    for (const auto& [k, kv] : kwargs)
      if (k == name) {
        v = kv;
        bound = true;
      }
    if (!bound && next < args.size()) {
      v = args[next++];
      bound = true;
    }
    if (!bound && default_value) {
      Frame empty;
      v = eval(default_value, empty);
      bound = true;
    }
    if (bound)
      frame.locals[name] = v;
    else
      frame.unbound.insert(name);
  }
  if (Node fn_name = def.field(Field::Name)) frame.function = std::string(fn_name.text());
  // `*args` / `**kwargs`: the arguments no named parameter took, so that a call forwarding
  // them (`self.model(inputs, *args, **kwargs)`) passes them on.
  if (!star_args.empty()) {
    std::vector<Value> rest;
    for (size_t i = next; i < args.size(); ++i) rest.push_back(args[i]);
    frame.locals[star_args] = Value::of_list(std::move(rest));
  }
  if (!star_kwargs.empty()) {
    Value rest;
    rest.kind = Value::Kind::Dict;
    for (const auto& [k, kv] : kwargs)
      if (!named.count(k)) dict_set(rest, Constant::string(k), kv);
    frame.locals[star_kwargs] = std::move(rest);
  }
  Value ret;
  if (def.is(Kind::Lambda))
    ret = eval(def.field(Field::Body), frame);
  else
    exec_block(def.field(Field::Body), frame, &ret);
  --ctx_.depth;
  return ret;
}

LayerPtr Interpreter::instantiate(const ClassDef& cls, const std::vector<Value>& args,
                                  const std::vector<std::pair<std::string, Value>>& kwargs,
                                  Node site) {
  auto layer = std::make_shared<Layer>();
  layer->kind = Layer::Kind::Custom;
  layer->cls = cls.name;
  layer->klass = &cls;
  layer->location = loc(site);
  layer->text = std::string(site.text().substr(0, 200));
  if (cls.nnport_custom) {
    // nnport's own generated layers are read as built-in layers.
    layer->kind = Layer::Kind::Builtin;
    layer->args = args;
    layer->kwargs = kwargs;
    layer->name = auto_name(cls.name);
    for (const auto& [k, v] : kwargs)
      if (k == "name")
        if (auto c = v.as_constant(); c && c->is_string()) layer->name = c->s;
    return layer;
  }
  // A keras.Model subclass without call() given inputs and outputs is that Functional model
  // (its overrides, e.g. train_step, only change training).
  const auto given = [&](const char* key) {
    return std::any_of(kwargs.begin(), kwargs.end(),
                       [&](const auto& kv) { return kv.first == key; });
  };
  const bool has_inputs = args.size() >= 2 || (args.size() == 1 && given("outputs")) ||
                          (given("inputs") && given("outputs"));
  if (cls.is_model && has_inputs && !defines_call(cls)) {
    Frame frame;
    Value functional = call_qualified("keras.Model", args, kwargs, site, frame);
    if (functional.kind == Value::Kind::Layer && functional.layer) return functional.layer;
  }
  layer->name = auto_name(cls.name);
  for (const auto& [k, v] : kwargs)
    if (k == "name")
      if (auto c = v.as_constant(); c && c->is_string()) layer->name = c->s;
  for (const ClassDef* c = &cls; c; c = c->user_base) {
    auto it = c->methods.find("__init__");
    if (it == c->methods.end()) continue;
    Frame frame;
    frame.self = layer;
    call_function(it->second, args, kwargs, &frame, site);
    break;
  }
  return layer;
}

}  // namespace nnport::readers::keras
