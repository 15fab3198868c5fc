// Training helpers of a Keras script: a function that compiles, fits or evaluates a model it
// takes as a parameter (the TensorFlow tutorials' `compile_and_fit(model, window, patience=2)`).
// The function stays a function: its body is walked like any other with the parameter bound to
// the model, and the Compile/Train/Evaluate steps it yields name the parameter
// (ScriptStep::variable), so that the writer trains the model passed in. Its calls stay calls.
#include <algorithm>
#include <optional>
#include <utility>

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

// The names a function's parameters bind (`model`, `window`, `patience=2`, `*args`).
std::vector<std::string> parameter_names(Node def) {
  std::vector<std::string> out;
  Node params = def.field(Field::Parameters);
  if (!params) return out;
  for (Node p : params.named_children()) {
    Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
    if (!name && p.named_child_count() > 0) name = p.named_child(0);
    if (name && name.is(Kind::Identifier)) out.emplace_back(name.text());
  }
  return out;
}

// "def f(model, window, patience=2):": the definition's text up to its body, decorators included.
std::string header_text(Node stmt, Node body) {
  const std::string_view all = stmt.text();
  std::string header(
      all.substr(0, std::min<size_t>(body.start_byte() - stmt.start_byte(), all.size())));
  while (!header.empty() && std::string_view(" \t\r\n").find(header.back()) != std::string::npos)
    header.pop_back();
  return header;
}

// The returned values of a function body's `return` statements (nested definitions aside).
std::vector<Node> return_statements(Node body) {
  std::vector<Node> out;
  for (Node n : body.named_children()) {
    if (n.is(Kind::FunctionDefinition) || n.is(Kind::ClassDefinition) ||
        n.is(Kind::DecoratedDefinition))
      continue;
    if (n.is(Kind::ReturnStatement)) out.push_back(n);
    for (Node r : return_statements(n)) out.push_back(r);
  }
  return out;
}

// The elements of a returned value: `history, model` -> {history, model}.
std::vector<Node> returned_elements(Node ret) {
  if (ret.named_child_count() != 1) return {};
  Node value = ret.named_child(0);
  if (value.is(Kind::ExpressionList) || value.is(Kind::Tuple)) return value.named_children();
  return {value};
}

// Where every return statement of the helper gives back its model parameter, unchanged, and
// how many values it returns: `return history, model` -> {1, 2}. None when a return does not,
// or returns it elsewhere.
std::optional<std::pair<size_t, size_t>> returned_position(Node body, const std::string& model) {
  std::optional<std::pair<size_t, size_t>> at;
  for (Node ret : return_statements(body)) {
    const std::vector<Node> elements = returned_elements(ret);
    std::optional<std::pair<size_t, size_t>> here;
    for (size_t i = 0; i < elements.size(); ++i)
      if (elements[i].is(Kind::Identifier) && elements[i].text() == model)
        here = std::pair{i, elements.size()};
    if (!here || (at && *at != *here)) return std::nullopt;
    at = here;
  }
  return at;
}

}  // namespace

// `return history, model` inside a training helper: fit()'s History and the model parameter (the
// migrated module, trained in place) are returned as they are.
bool KerasScriptRecognizer::claim_helper_return(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  if (helper_model_.empty() || !stmt.is(Kind::ReturnStatement)) return false;
  const std::vector<Node> elements = returned_elements(stmt);
  if (elements.empty()) return false;
  for (Node e : elements)
    if (!(e.is(Kind::Identifier) && e.text() == helper_model_) && touches_framework(e, ctx))
      return false;
  out.push_back(verbatim_step(stmt));
  return true;
}

bool KerasScriptRecognizer::claim_model_helper(Node stmt, ScriptContext& ctx,
                                               std::vector<ScriptStep>& out) {
  Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
  if (!def.is(Kind::FunctionDefinition) || !ctx.walk_body || !helper_model_.empty()) return false;
  Node body = def.field(Field::Body);
  if (!body) return false;
  const std::vector<std::string> params = parameter_names(def);
  // The parameter the body trains: the receiver of compile/fit/evaluate. Exactly one.
  std::set<std::string> trained;
  for (Node call : pytorch::find_all(body, [](Node n) { return n.is(Kind::Call); })) {
    Node fn = call.field(Field::Function);
    if (!fn.is(Kind::Attribute)) continue;
    const std::string_view method = fn.field(Field::Attribute).text();
    Node object = fn.field(Field::Object);
    if ((method == "compile" || method == "fit" || method == "evaluate") &&
        object.is(Kind::Identifier) &&
        std::find(params.begin(), params.end(), object.text()) != params.end())
      trained.insert(std::string(object.text()));
  }
  if (trained.size() != 1) return false;
  const std::string name(def.field(Field::Name).text());
  model_helpers_[name] = static_cast<size_t>(
      std::find(params.begin(), params.end(), *trained.begin()) - params.begin());
  if (auto at = returned_position(body, *trained.begin())) helper_model_returns_[name] = *at;
  // The helper's names are its own: bindings made inside it end with it.
  const auto saved_vars = ctx.vars;
  helper_model_ = *trained.begin();
  helper_params_ = std::set<std::string>(params.begin(), params.end());
  helper_params_.erase(helper_model_);
  for (const auto& p : helper_params_) ctx.vars.erase(p);
  ctx.vars[helper_model_] = ScriptVar::Model;
  ScriptStep block;
  block.kind = ScriptStep::Kind::Block;
  block.location = stmt.location();
  block.clauses.push_back({header_text(stmt, body), ctx.walk_body(body)});
  ctx.vars = saved_vars;
  helper_model_.clear();
  helper_params_.clear();
  out.push_back(std::move(block));
  return true;
}

bool KerasScriptRecognizer::claim_optimizer_helper(Node stmt, ScriptContext& ctx,
                                                   std::vector<ScriptStep>& out) {
  Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
  if (!def.is(Kind::FunctionDefinition) || !parameter_names(def).empty()) return false;
  Node body = def.field(Field::Body);
  if (!body || body.named_child_count() != 1 || !body.named_child(0).is(Kind::ReturnStatement))
    return false;
  Node ret = body.named_child(0);
  if (ret.named_child_count() != 1 || !ret.named_child(0).is(Kind::Call)) return false;
  Node call = ret.named_child(0);
  if (qualified(call.field(Field::Function), ctx).rfind("keras.optimizers.", 0) != 0) return false;
  const std::string name(def.field(Field::Name).text());
  optimizer_helpers_[name] = call;
  out.push_back(dropped_step(stmt, ctx,
                             name + "() returns a Keras optimiser: the migrated script builds "
                                    "the PyTorch optimiser where compile() calls it"));
  return true;
}

bool KerasScriptRecognizer::claim_helper_call(Node stmt, ScriptContext& ctx,
                                              std::vector<ScriptStep>& out) {
  if (!stmt.is(Kind::ExpressionStatement)) return false;
  Node e = pytorch::expression_of(stmt);
  std::vector<std::string> targets;
  Node call = e;
  if (e && e.is(Kind::Assignment)) {
    targets = pytorch::target_names(e.field(Field::Left));
    call = e.field(Field::Right);
  }
  if (!call || !call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Identifier))
    return false;
  auto helper = model_helpers_.find(std::string(call.field(Field::Function).text()));
  if (helper == model_helpers_.end()) return false;
  // The model goes in as it is (the migrated module); every other argument must be
  // framework-free or a dataset.
  pytorch::ScriptArgs a = pytorch::call_args(call);
  if (a.splat || helper->second >= a.positional.size()) return false;
  Node model = a.positional[helper->second];
  auto is_model = [&](Node n) {
    auto it = ctx.vars.find(std::string(n.text()));
    return n.is(Kind::Identifier) && it != ctx.vars.end() && it->second == ScriptVar::Model;
  };
  if (!is_model(model)) return false;
  // A dataset the script made goes in as its migrated loader (batches of inputs and targets).
  auto passes = [&](Node n) {
    auto it = ctx.vars.find(std::string(n.text()));
    return !touches_framework(n, ctx) ||
           (n.is(Kind::Identifier) && it != ctx.vars.end() && it->second == ScriptVar::Dataset);
  };
  for (size_t i = 0; i < a.positional.size(); ++i)
    if (i != helper->second && !passes(a.positional[i])) return false;
  for (const auto& [name, value] : a.keywords)
    if (!passes(value)) return false;
  // What it returns is fit()'s History (or evaluate()'s results), read framework-free after, and
  // perhaps the model it trained: `history, model = run_experiment(model)` binds the same module.
  std::optional<size_t> model_at;
  if (auto r = helper_model_returns_.find(helper->first); r != helper_model_returns_.end()) {
    const auto [at, count] = r->second;
    // Bound again to the name it came in with; another name (or a tuple held whole) would be a
    // second reference the migrated script does not follow.
    if (!targets.empty() && (targets.size() != count || targets[at] != model.text())) return false;
    model_at = at;
  }
  for (size_t i = 0; i < targets.size(); ++i)
    if (!model_at || i != *model_at) {
      ctx.vars[targets[i]] = ScriptVar::History;
      history_names_.insert(targets[i]);
    }
  out.push_back(verbatim_step(stmt));
  return true;
}

bool KerasScriptRecognizer::opaque_parameter_data(Node x) const {
  if (helper_model_.empty() || !x) return false;
  Node root = x;
  while (root.is(Kind::Attribute)) root = root.field(Field::Object);
  return root.is(Kind::Identifier) && helper_params_.count(std::string(root.text()));
}

}  // namespace nnport::readers::keras
