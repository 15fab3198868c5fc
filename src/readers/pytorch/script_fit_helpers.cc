// Helpers that run the whole training: `def train(model, loader, optimizer, epochs)` holding the
// epoch loop around the batch loop, called once as `train(model, train_loader, opt, 5)`. The
// call is where Keras fits: the helper's epoch loop is read as the script's own epoch loop would
// be (epoch_loop_steps), with each parameter standing for the argument the call passes, and the
// fit's data and epoch count are then spelled with those arguments. The function itself is not
// written (its definition gets a note, as the other loop helpers).
#include "readers/pytorch/script_loops.h"
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

bool is_range_loop(Node loop) {
  Node right = loop.field(Field::Right);
  return right && right.is(Kind::Call) && right.field(Field::Function).text() == "range";
}

}  // namespace

Node fit_helper_epoch_loop(Node def, const LoopNames& names) {
  Node body = def.field(Field::Body);
  if (!body) return {};
  Node epoch_loop;
  for (Node stmt : body.named_children()) {
    if (stmt.is(Kind::Comment)) continue;
    if (stmt.is(Kind::ForStatement) && !epoch_loop && is_range_loop(stmt)) {
      epoch_loop = stmt;
      continue;
    }
    Node e = expression_of(stmt);
    if (e && (e.is(Kind::String) || e.is(Kind::ConcatenatedString))) continue;  // docstring
    // `model.train()`: Keras fit sets the training mode itself.
    if (e && e.is(Kind::Call) && e.field(Field::Function).is(Kind::Attribute) &&
        e.field(Field::Function).field(Field::Attribute).text() == "train" &&
        names.models.count(std::string(e.field(Field::Function).field(Field::Object).text())))
      continue;
    return {};
  }
  if (!epoch_loop) return {};
  std::vector<Node> inner =
      find_all(epoch_loop.field(Field::Body), [](Node n) { return n.is(Kind::ForStatement); });
  if (inner.size() != 1 || !has_training_step(inner[0], names)) return {};
  // The loader is a parameter: a function training on the script's own loader is read where it
  // is (its loop, in its body).
  std::set<std::string> params;
  for (Node p : def.field(Field::Parameters).named_children())
    if (p.is(Kind::Identifier)) params.insert(std::string(p.text()));
  for (const auto& n : names_used(inner[0].field(Field::Right)))
    if (params.count(n)) return epoch_loop;
  return {};
}

bool TorchScriptRecognizer::fit_call(Node stmt, ScriptContext& ctx, std::vector<ScriptStep>& out) {
  Node call = expression_of(stmt);
  if (!call || !call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Identifier))
    return false;
  auto it = helpers_.find(std::string(call.field(Field::Function).text()));
  if (it == helpers_.end() || it->second.role != LoopHelper::Role::Fit) return false;
  const LoopHelper& h = it->second;
  // The function is not written: a call nnport cannot bind is reported, never kept as a call.
  auto unbound = [&](const std::string& why) {
    out.push_back(unsupported_step(stmt, ctx, "'" + it->first + "' trains a model: " + why));
    return true;
  };
  // Each parameter stands for its argument; the model must be the script's model.
  ScriptArgs a = call_args(call);
  if (a.splat) return unbound("arguments passed with * or ** cannot be bound");
  std::map<std::string, Node> argument;
  for (size_t i = 0; i < h.params.size(); ++i) {
    Node arg = i < a.positional.size()         ? a.positional[i]
               : a.keywords.count(h.params[i]) ? a.keywords[h.params[i]]
                                               : Node{};
    if (!arg) return unbound("parameter '" + h.params[i] + "' takes its default value");
    argument[h.params[i]] = arg;
  }
  LoopNames saved = names_;
  for (const auto& [param, arg] : argument) {
    const std::string text(arg.text());
    auto var = ctx.vars.find(text);
    if (var != ctx.vars.end() && var->second == ScriptVar::Model &&
        text != ctx.script->model_variable) {
      names_ = saved;
      return unbound("it is given '" + text + "', not the migrated model '" +
                     ctx.script->model_variable + "'");
    }
    // A parameter the helper calls is the model (or the loss): the call must pass the script's.
    const std::string& name = param;
    const bool called = !find_all(h.def.field(Field::Body), [&](Node n) {
                           return n.is(Kind::Call) && n.field(Field::Function).text() == name;
                         }).empty();
    if (called && text != ctx.script->model_variable && !names_.losses.count(text)) {
      names_ = saved;
      return unbound("it calls its parameter '" + param + "', given '" + text +
                     "', which is not the migrated model '" + ctx.script->model_variable + "'");
    }
    if (text == ctx.script->model_variable) names_.models.insert(param);
    if (names_.optimizers.count(text)) names_.optimizers.insert(param);
    if (names_.losses.count(text)) names_.losses.insert(param);
    if (names_.loaders.count(text) || datasets_.count(text)) names_.loaders.insert(param);
  }
  Node loop = fit_helper_epoch_loop(h.def, names_);
  if (!loop) {
    names_ = saved;
    return unbound("its loop is not read with these arguments");
  }
  const size_t fits_before = ctx.script->fits.size();
  std::vector<ScriptStep> steps = epoch_loop_steps(loop, ctx);
  names_ = saved;
  if (ctx.script->fits.size() == fits_before || steps.empty() ||
      steps[0].kind != ScriptStep::Kind::Train) {
    out.insert(out.end(), steps.begin(), steps.end());
    return true;
  }
  // The fit, spelled with the call's arguments.
  pivot::Fit& fit = ctx.script->fits.back();
  auto bound = [&](const std::string& name) {
    auto p = argument.find(name);
    return p == argument.end() ? name : std::string(p->second.text());
  };
  fit.train_data = bound(fit.train_data);
  if (!fit.validation_data.empty()) fit.validation_data = bound(fit.validation_data);
  ScriptArgs range = call_args(loop.field(Field::Right));
  std::map<std::string, std::string> renames;
  for (const auto& [param, arg] : argument) renames[param] = std::string(arg.text());
  bool reads_parameters = false;
  for (const auto& n : names_used(loop.field(Field::Right)))
    reads_parameters |= argument.count(n) > 0;
  if (reads_parameters) {
    if (range.positional.size() != 1) {
      ctx.script->fits.pop_back();
      out.push_back(unsupported_step(
          stmt, ctx, "the helper's epoch range over its parameters is not read yet"));
      return true;
    }
    Node count = range.positional[0];
    auto direct = argument.find(std::string(count.text()));
    fit.epochs = direct != argument.end() && count.is(Kind::Identifier)
                     ? setup_value(direct->second)
                     : pivot::SetupValue::expr(rename_identifiers(count, renames));
    fit.epochs.from_source = true;
  }
  if (auto ds = datasets_.find(fit.train_data); ds != datasets_.end()) {
    fit.batch_size = ctx.script->setup.datasets[ds->second].batch_size;
    fit.shuffle = ctx.script->setup.datasets[ds->second].shuffle;
  }
  steps[0].location = stmt.location();
  steps[0].text = std::string(stmt.text());
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "'" << it->first << "' trains the model passed in: this call is fit";
  out.insert(out.end(), steps.begin(), steps.end());
  return true;
}

}  // namespace nnport::readers::pytorch
