// model.evaluate(...) / model.predict(...) inside a framework-free statement of a Keras script
// (see script_recognizer.h): `print(model.evaluate(x_test, y_test))`, `y_pred =
// np.argmax(model.predict(x_new), axis=-1)`, an f-string reading `model.evaluate(...)[1]`. The
// call becomes an Evaluate / Predict step of its own binding a new variable, and the statement
// reads that variable. Python evaluates the call before the rest of the statement uses its value
// too; a call the statement may skip or repeat (a conditional expression, `and` / `or`, a lambda,
// a comprehension) is left to the other rules, which report it.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// Is `n`, inside `stmt`, evaluated exactly once whenever the statement runs?
bool evaluated_once(Node n, Node stmt) {
  for (Node p = n.parent(); p && p != stmt; p = p.parent()) {
    if (p.is(Kind::ConditionalExpression) || p.is(Kind::BooleanOperator) || p.is(Kind::Lambda) ||
        p.is(Kind::ListComprehension) || p.is(Kind::GeneratorExpression))
      return false;
    const std::string_view type = p.type();
    if (type == "dictionary_comprehension" || type == "set_comprehension") return false;
  }
  return true;
}

bool inside(Node n, Node outer) {
  return n.start_byte() >= outer.start_byte() && n.end_byte() <= outer.end_byte();
}

}  // namespace

std::string KerasScriptRecognizer::fresh_name(const std::string& base, const ScriptContext& ctx) {
  if (script_names_.empty() && ctx.tree) script_names_ = pytorch::names_used(ctx.tree->root());
  std::string name = base;
  for (int i = 1; script_names_.count(name); ++i) name = base + "_" + std::to_string(i);
  script_names_.insert(name);
  return name;
}

bool KerasScriptRecognizer::claim_model_parts(Node stmt, ScriptContext& ctx,
                                              std::vector<ScriptStep>& out) {
  if (!stmt.is(Kind::ExpressionStatement)) return false;
  // The model variable under `model.layers[i]`, `model.get_layer(...)`, `model.encoder(x)`.
  auto model_base = [&](Node n) {
    while (n.is(Kind::Attribute) || n.is(Kind::Subscript) || n.is(Kind::Call))
      n = n.is(Kind::Attribute) ? n.field(Field::Object)
          : n.is(Kind::Call)    ? n.field(Field::Function)
                                : n.field(Field::Value);
    auto it = n.is(Kind::Identifier) ? ctx.vars.find(std::string(n.text())) : ctx.vars.end();
    return it != ctx.vars.end() && it->second == ScriptVar::Model && n.text() != helper_model_;
  };
  std::string why;
  for (Node n : pytorch::find_all(stmt, [](Node x) { return x.is(Kind::Attribute); })) {
    const std::string_view attr = n.field(Field::Attribute).text();
    Node object = n.field(Field::Object);
    if ((attr == "layers" || attr == "get_layer") && model_base(object)) {
      why = std::string(n.text()) +
            ": Keras' layer list has no counterpart in the migrated module, whose layers are "
            "attributes named as the Keras layers (print(model) lists them); their variables "
            "are named otherwise too (gamma, beta, moving_mean, moving_variance are weight, "
            "bias, running_mean, running_var, plus num_batches_tracked)";
      break;
    }
    // `autoencoder.encoder(x)`: a part of the model run on data.
    Node parent = n.parent();
    if (object.is(Kind::Identifier) && model_base(object) && parent && parent.is(Kind::Call) &&
        parent.field(Field::Function) == n) {
      // keras.Model's own methods: other rules' (mapped, or reported as they are).
      static const std::set<std::string_view> methods = {
          "compile",        "fit",           "evaluate",
          "predict",        "summary",       "save",
          "save_weights",   "load_weights",  "add",
          "build",          "adapt",         "to_json",
          "get_config",     "get_weights",   "set_weights",
          "count_params",   "reset_states",  "reset_metrics",
          "train_on_batch", "test_on_batch", "predict_on_batch",
          "call",           "export",        "pop",
          "stateless_call", "compute_loss",  "compute_metrics"};
      if (methods.count(attr)) continue;
      why = std::string(n.text()) +
            "(...): a part of the model run on data; its input and output layouts in the "
            "migrated module (channels-first where Keras is channels-last) are not planned for "
            "the script";
      break;
    }
  }
  if (why.empty()) return false;
  out.push_back(unsupported_step(stmt, ctx, why));
  // What it binds is a framework object: statements reading it are reported too.
  if (Node e = pytorch::expression_of(stmt); e.is(Kind::Assignment))
    for (const auto& t : pytorch::target_names(e.field(Field::Left)))
      ctx.vars[t] = ScriptVar::Framework;
  return true;
}

bool KerasScriptRecognizer::claim_nested_model_calls(Node stmt, ScriptContext& ctx,
                                                     std::vector<ScriptStep>& out) {
  if (!stmt.is(Kind::ExpressionStatement)) return false;
  Node e = pytorch::expression_of(stmt);
  auto model_call = [&](Node n) {
    if (!n.is(Kind::Call)) return false;
    Node fn = n.field(Field::Function);
    if (!fn.is(Kind::Attribute)) return false;
    const std::string_view method = fn.field(Field::Attribute).text();
    Node object = fn.field(Field::Object);
    if ((method != "evaluate" && method != "predict") || !object.is(Kind::Identifier) ||
        object.text() == helper_model_)
      return false;
    auto it = ctx.vars.find(std::string(object.text()));
    return it != ctx.vars.end() && it->second == ScriptVar::Model;
  };
  const std::vector<Node> calls = pytorch::find_all(stmt, model_call);
  if (calls.empty()) return false;
  // `model.evaluate(...)` / `x = model.predict(...)` on their own are claim_call's.
  if (calls.size() == 1 &&
      (e == calls[0] || (e.is(Kind::Assignment) && e.field(Field::Right) == calls[0])))
    return false;
  for (size_t i = 0; i < calls.size(); ++i) {
    if (!evaluated_once(calls[i], stmt)) return false;
    for (size_t j = 0; j < calls.size(); ++j)
      if (i != j && inside(calls[i], calls[j])) return false;
  }
  // The rest of the statement must be framework-free, but for names and array functions with
  // a NumPy spelling (claim_framework_names): tried first without a trace, since reading the
  // calls records their data.
  std::vector<std::pair<Node, std::string>> given;
  for (Node call : calls) {
    const std::string_view method = call.field(Field::Function).field(Field::Attribute).text();
    given.emplace_back(call, fresh_name(method == "evaluate" ? "evaluation" : "predictions", ctx));
  }
  {
    DiagnosticEngine* diags = ctx.diags;
    DiagnosticEngine scratch;
    ctx.diags = &scratch;
    std::vector<ScriptStep> trial;
    const bool free = claim_framework_names(stmt, ctx, trial, given);
    ctx.diags = diags;
    if (!free) return false;
  }
  std::vector<ScriptStep> steps;
  for (const auto& [call, variable] : given) {
    const std::string method(call.field(Field::Function).field(Field::Attribute).text());
    const size_t before = steps.size();
    if (!model_method(stmt, call, method, {variable}, ctx, steps) || steps.size() != before + 1)
      return false;
    if (steps.back().kind == ScriptStep::Kind::Unsupported) {
      // Reported at the statement already: the statement stays a TODO as a whole.
      out.push_back(std::move(steps.back()));
      return true;
    }
    steps.back().location = call.location();
  }
  for (auto& s : steps) out.push_back(std::move(s));
  return claim_framework_names(stmt, ctx, out, given);
}

}  // namespace nnport::readers::keras
