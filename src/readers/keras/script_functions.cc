// User-defined loss and metric functions of a Keras script (see script_recognizer.h,
// pivot/script_function.h). A `def` whose body uses the framework's tensor functions, and reads
// no script object (the model, a loss or metric object: those are training steps, not a
// function of tensors), is translated statement by statement: keras.ops / tf.* / keras.backend
// / keras.losses functions through the Keras function table (frameworks/function_table.h),
// operators, numbers and framework-free subscripts as they are. A factory returning such a
// closure (`def loss(margin=1): def contrastive_loss(y_true, y_pred): ...; return
// contrastive_loss`) keeps its shape. What cannot be translated is reported at its line and kept
// as a Todo statement, which the writer marks.
#include <algorithm>
#include <functional>
#include <set>

#include "frameworks/function_table.h"
#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::FunctionExpr;
using pivot::FunctionStatement;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

bool is_docstring(Node stmt) {
  if (!stmt.is(Kind::ExpressionStatement) || stmt.named_child_count() != 1) return false;
  Node inner = stmt.named_child(0);
  return inner.is(Kind::String) || inner.is(Kind::ConcatenatedString);
}

// Statements of a body, comments left out (the translated function has none of its own).
std::vector<Node> body_statements(Node def) {
  std::vector<Node> out;
  Node body = def.field(Field::Body);
  if (!body) return out;
  for (Node stmt : body.named_children())
    if (!stmt.is(Kind::Comment)) out.push_back(stmt);
  return out;
}

std::vector<std::string> parameters_as_written(Node def) {
  std::vector<std::string> out;
  if (Node params = def.field(Field::Parameters))
    for (Node p : params.named_children())
      if (!p.is(Kind::Comment)) out.emplace_back(p.text());
  return out;
}

// The factory's closure: `def outer(...): ["""doc"""] def inner(...): ... return inner`.
Node closure_of(Node def) {
  auto stmts = body_statements(def);
  if (!stmts.empty() && is_docstring(stmts.front())) stmts.erase(stmts.begin());
  if (stmts.size() != 2 || !stmts[0].is(Kind::FunctionDefinition) ||
      !stmts[1].is(Kind::ReturnStatement) || stmts[1].named_child_count() != 1)
    return {};
  if (stmts[1].named_child(0).text() != stmts[0].field(Field::Name).text()) return {};
  return stmts[0];
}

bool simple_body(Node def) {
  for (Node stmt : body_statements(def))
    if (!(stmt.is(Kind::ExpressionStatement) || stmt.is(Kind::ReturnStatement) ||
          stmt.is(Kind::PassStatement)))
      return false;
  return true;
}

}  // namespace

namespace {

// Translates one expression of a function body; an empty `why` on success.
class ExprReader {
 public:
  ExprReader(const KerasScriptRecognizer& recognizer, const ScriptContext& ctx,
             std::function<std::string(Node)> qualify, std::set<std::string> locals)
      : recognizer_(recognizer),
        ctx_(ctx),
        qualify_(std::move(qualify)),
        locals_(std::move(locals)) {}

  FunctionExpr read(Node n) {
    FunctionExpr e;
    if (!why.empty() || !n) return e;
    if (n.is(Kind::ParenthesizedExpression) && n.named_child_count() == 1)
      return read(n.named_child(0));
    if (n.is(Kind::Identifier)) {
      if (!locals_.count(std::string(n.text())) && recognizer_.touches_framework(n, ctx_)) {
        why = "'" + std::string(n.text()) + "' is a framework object, not a tensor";
        return e;
      }
      e.kind = FunctionExpr::Kind::Name;
      e.text = n.text();
      return e;
    }
    if (n.is(Kind::Integer) || n.is(Kind::Float) || n.is(Kind::True) || n.is(Kind::False)) {
      e.kind = FunctionExpr::Kind::Number;
      e.text = n.text();
      return e;
    }
    if (n.is(Kind::BinaryOperator)) {
      e.kind = FunctionExpr::Kind::Binary;
      e.text = n.field(Field::Operator).type();
      static const std::set<std::string> known = {"+", "-", "*", "/", "**"};
      if (!known.count(e.text)) {
        why = "the operator '" + e.text + "' is not translated";
        return e;
      }
      e.args = {read(n.field(Field::Left)), read(n.field(Field::Right))};
      return e;
    }
    if (n.is(Kind::UnaryOperator) && n.child_count() == 2) {
      e.kind = FunctionExpr::Kind::Unary;
      e.text = n.child(0).type();
      if (e.text != "-" && e.text != "+") {
        why = "the operator '" + e.text + "' is not translated";
        return e;
      }
      e.args = {read(n.named_child(0))};
      return e;
    }
    if (n.is(Kind::Tuple) || n.is(Kind::List)) {
      e.kind = FunctionExpr::Kind::Tuple;
      for (Node item : n.named_children()) e.args.push_back(read(item));
      return e;
    }
    if (n.is(Kind::Subscript)) {
      Node value = n.field(Field::Value);
      for (Node index : n.fields(Field::Subscript))
        if (touches(index)) {
          why = "an index computed with the framework is not translated";
          return e;
        }
      e.kind = FunctionExpr::Kind::Subscript;
      e.text = std::string(n.text().substr(value.end_byte() - n.start_byte()));
      e.args = {read(value)};
      return e;
    }
    if (n.is(Kind::Call)) return call(n);
    why = "'" + std::string(n.text()) + "' is not translated";
    return e;
  }

  std::string why;

 private:
  FunctionExpr call(Node n) {
    FunctionExpr e;
    const std::string q = qualify_(n.field(Field::Function));
    pytorch::ScriptArgs a = pytorch::call_args(n);
    for (const auto& c : frameworks::keras::tensor_function_constants())
      if (q == c.spelling && a.positional.empty() && a.keywords.empty()) {
        e.kind = FunctionExpr::Kind::Number;
        e.text = c.value;
        return e;
      }
    const auto* row =
        frameworks::find_function_by_spelling(frameworks::keras::tensor_function_rows(), q);
    if (!row || a.splat) {
      why = "'" + std::string(n.field(Field::Function).text()) + "' has no mapping yet";
      return e;
    }
    e.kind = FunctionExpr::Kind::Call;
    e.text = row->canonical;
    const size_t tensors = row->reduction ? 1 : a.positional.size();
    for (size_t i = 0; i < std::min(tensors, a.positional.size()); ++i)
      e.args.push_back(read(a.positional[i]));
    if (row->reduction) {
      // keras.ops.mean(x, axis=None, keepdims=False); tf.reduce_mean(input_tensor, ...).
      for (const char* first : {"x", "input_tensor"})
        if (e.args.empty() && a.keywords.count(first)) e.args.push_back(read(a.keywords[first]));
      const char* options[] = {"axis", "keepdims"};
      for (size_t i = 0; i < 2; ++i) {
        Node v = a.keywords.count(options[i])  ? a.keywords[options[i]]
                 : a.positional.size() > i + 1 ? a.positional[i + 1]
                                               : Node{};
        if (!v) continue;
        if (touches(v)) {
          why = std::string(options[i]) + " computed with the framework is not translated";
          return e;
        }
        e.attrs[options[i]] = std::string(v.text());
      }
      for (const auto& [k, v] : a.keywords)
        if (k != "x" && k != "input_tensor" && k != "axis" && k != "keepdims") {
          why = q + ": argument '" + k + "' has no mapping yet";
          return e;
        }
    } else if (!a.keywords.empty()) {
      why = q + ": keyword arguments have no mapping yet";
      return e;
    }
    if (e.args.empty()) why = q + ": no tensor argument";
    return e;
  }

  // Framework names or script objects, the function's own names aside.
  bool touches(Node n) const {
    bool only_locals = true;
    for (const auto& name : pytorch::names_used(n))
      only_locals = only_locals && locals_.count(name);
    return !only_locals && recognizer_.touches_framework(n, ctx_);
  }

  const KerasScriptRecognizer& recognizer_;
  const ScriptContext& ctx_;
  std::function<std::string(Node)> qualify_;
  std::set<std::string> locals_;
};

// Parameter names and assigned names of a function (and of its factory).
std::set<std::string> local_names(Node def, Node factory) {
  std::set<std::string> out;
  for (Node d : {def, factory}) {
    if (!d) continue;
    if (Node params = d.field(Field::Parameters))
      for (Node p : params.named_children()) {
        Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
        if (!name && p.named_child_count() > 0) name = p.named_child(0);
        if (name && name.is(Kind::Identifier)) out.emplace(name.text());
      }
  }
  for (Node stmt : body_statements(def))
    if (Node e = pytorch::expression_of(stmt); e && e.is(Kind::Assignment))
      for (const auto& t : pytorch::target_names(e.field(Field::Left))) out.insert(t);
  return out;
}

}  // namespace

bool KerasScriptRecognizer::claim_function(Node stmt, ScriptContext& ctx,
                                           std::vector<pivot::ScriptStep>& out) {
  if (!stmt.is(Kind::FunctionDefinition)) return false;
  Node closure = closure_of(stmt);
  Node def = closure ? closure : stmt;
  if (!simple_body(def) || !touches_framework(def.field(Field::Body), ctx)) return false;
  // A function of tensors reads imported framework modules only, never a script object (the
  // model, a loss object: custom training steps are read elsewhere).
  const std::set<std::string> locals = local_names(def, closure ? stmt : Node{});
  for (const auto& name : pytorch::names_used(def.field(Field::Body)))
    if (!locals.count(name) && ctx.vars.count(name)) return false;
  if (closure)
    for (Node p : stmt.field(Field::Parameters).named_children())
      if (touches_framework(p, ctx)) return false;
  // A function of tensors: at least one call of the function table (a helper that trains a
  // model passed in has none).
  bool tensor_calls = false;
  for (Node c :
       pytorch::find_all(def.field(Field::Body), [](Node n) { return n.is(Kind::Call); })) {
    const std::string q = qualified(c.field(Field::Function), ctx);
    tensor_calls = tensor_calls || frameworks::find_function_by_spelling(
                                       frameworks::keras::tensor_function_rows(), q);
  }
  if (!tensor_calls) return false;

  pivot::ScriptFunction fn;
  fn.name = def.field(Field::Name).text();
  fn.params = parameters_as_written(def);
  fn.location = stmt.location();
  if (closure) {
    fn.factory = stmt.field(Field::Name).text();
    fn.factory_params = parameters_as_written(stmt);
    auto outer = body_statements(stmt);
    if (!outer.empty() && is_docstring(outer.front())) fn.factory_docstring = outer.front().text();
  }
  ExprReader reader(
      *this, ctx, [&](Node n) { return qualified(n, ctx); }, locals);
  auto statements = body_statements(def);
  for (size_t i = 0; i < statements.size(); ++i) {
    Node s = statements[i];
    if (i == 0 && is_docstring(s)) {
      fn.docstring = s.text();
      continue;
    }
    if (s.is(Kind::PassStatement)) continue;
    FunctionStatement st;
    st.location = s.location();
    st.text = s.text();
    reader.why.clear();
    if (s.is(Kind::ReturnStatement) && s.named_child_count() == 1) {
      st.kind = FunctionStatement::Kind::Return;
      st.value = reader.read(s.named_child(0));
    } else if (Node e = pytorch::expression_of(s);
               e && e.is(Kind::Assignment) && e.field(Field::Right)) {
      Node left = e.field(Field::Left);
      st.kind = FunctionStatement::Kind::Assign;
      st.targets = pytorch::target_names(left);
      const bool names_only = left.is(Kind::Identifier) || left.is(Kind::PatternList) ||
                              left.is(Kind::TuplePattern) || left.is(Kind::Tuple);
      if (st.targets.empty() || !names_only)
        reader.why = "only assignments to names are translated";
      else
        st.value = reader.read(e.field(Field::Right));
    } else {
      reader.why = "this statement is not translated";
    }
    if (!reader.why.empty()) {
      st.kind = FunctionStatement::Kind::Todo;
      st.reason = reader.why;
      st.targets.clear();
      if (ctx.diags)
        ctx.diags->error(Code::ScriptUnsupported, s.location())
            << "in the function '" << fn.name << "': " << reader.why;
    }
    fn.body.push_back(std::move(st));
  }
  pivot::ScriptStep step;
  step.kind = pivot::ScriptStep::Kind::Function;
  step.location = stmt.location();
  step.text = std::string(stmt.text());
  step.variable = fn.name;
  step.index = ctx.script->functions.size();
  functions_[fn.name] = step.index;
  if (!fn.factory.empty()) functions_[fn.factory] = step.index;
  ctx.script->functions.push_back(std::move(fn));
  out.push_back(std::move(step));
  return true;
}

std::string KerasScriptRecognizer::custom_callable(Node expr, const ScriptContext& ctx,
                                                   std::string* function_name) const {
  if (!expr) return {};
  const auto& functions = ctx.script->functions;
  if (expr.is(Kind::Identifier)) {
    auto it = functions_.find(std::string(expr.text()));
    if (it == functions_.end() || functions.at(it->second).name != expr.text()) return {};
    if (function_name) *function_name = functions.at(it->second).name;
    return std::string(expr.text());
  }
  // `loss(margin=margin)`: the factory called with framework-free arguments.
  if (expr.is(Kind::Call) && expr.field(Field::Function).is(Kind::Identifier)) {
    auto it = functions_.find(std::string(expr.field(Field::Function).text()));
    if (it == functions_.end() || functions.at(it->second).factory.empty() ||
        touches_framework(expr.field(Field::Arguments), ctx))
      return {};
    if (function_name) *function_name = functions.at(it->second).name;
    return std::string(expr.text());
  }
  return {};
}

}  // namespace nnport::readers::keras
