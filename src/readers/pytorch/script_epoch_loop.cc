// The epoch loop kept around Keras fit (see script_recognizer.h): when the source runs
// statements every epoch that fit cannot run (appending to a list, evaluating on arrays, saving),
// the loop stays and each iteration fits one epoch, `fit(..., initial_epoch=e, epochs=e + 1)`.
// Keras keeps the optimiser's state across fit calls and a LearningRateScheduler sees the same
// epoch index as the source's scheduler, so the training is the same as one fit call. The
// epoch's statements run as written after it, with the values of the source's batch loop they
// read defined from the epoch's history.
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

bool is_print(Node stmt) {
  Node e = expression_of(stmt);
  return e && e.is(Kind::Call) && e.field(Field::Function).text() == "print";
}

// "for epoch in range(E):": the loop's text up to its body.
std::string loop_header(Node loop) {
  Node body = loop.field(Field::Body);
  std::string header(loop.text().substr(0, body.start_byte() - loop.start_byte()));
  while (!header.empty() && (header.back() == ' ' || header.back() == '\n')) header.pop_back();
  return header;
}

}  // namespace

std::string TorchScriptRecognizer::array_dataset(Node features, Node labels, Node batch_size,
                                                 ScriptContext& ctx) {
  const std::string x(features.text()), y(labels.text());
  const std::string name = "(" + x + ", " + y + ")";
  if (datasets_.count(name)) return name;
  pivot::Dataset d;
  d.variable = name;
  d.kind = "arrays";
  d.features = setup_value(features);
  d.labels = setup_value(labels);
  if (batch_size) {
    d.batch_size = setup_value(batch_size);
  } else {
    d.batch_size = pivot::SetupValue::expr("len(" + x + ")");
    d.batch_size.from_source = true;
  }
  d.shuffle = pivot::SetupValue::boolean(false);
  d.shuffle.from_source = true;
  d.location = features.location();
  ctx.script->setup.datasets.push_back(std::move(d));
  datasets_[name] = ctx.script->setup.datasets.size() - 1;
  return name;
}

bool TorchScriptRecognizer::claim_array_evaluation(Node stmt, const std::vector<Node>& inner,
                                                   ScriptContext& ctx,
                                                   std::vector<ScriptStep>& out) {
  // `pred = model(x)` first, then the loss of `pred`: a prediction and the evaluation.
  Node predicted;
  std::string prediction;
  if (inner.size() == 2) {
    Node p = expression_of(inner[0]);
    if (!p || !p.is(Kind::Assignment) || !p.field(Field::Left).is(Kind::Identifier)) return false;
    predicted = p.field(Field::Right);
    prediction = std::string(p.field(Field::Left).text());
  } else if (inner.size() != 1) {
    return false;
  }
  Node e = expression_of(inner.back());
  if (!e || !e.is(Kind::Assignment) || !e.field(Field::Left).is(Kind::Identifier)) return false;
  Node call = e.field(Field::Right);
  if (!call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Identifier) ||
      !names_.losses.count(std::string(call.field(Field::Function).text())))
    return false;
  ScriptArgs a = call_args(call);
  if (a.positional.size() != 2 || !a.keywords.empty()) return false;
  Node forward = a.positional[0], y = a.positional[1];
  if (predicted) {
    if (forward.text() != prediction) return false;
    forward = predicted;
  }
  if (!forward.is(Kind::Call) ||
      forward.field(Field::Function).text() != ctx.script->model_variable ||
      ctx.script->model_variable.empty())
    return false;
  ScriptArgs fa = call_args(forward);
  if (fa.positional.size() != 1 || !fa.keywords.empty()) return false;
  Node x = fa.positional[0];
  if (!x.is(Kind::Identifier) || !y.is(Kind::Identifier) || touches_framework(x, ctx) ||
      touches_framework(y, ctx))
    return false;
  pivot::Evaluate ev;
  ev.data = array_dataset(x, y, Node{}, ctx);
  ev.batch_size = ctx.script->setup.datasets[datasets_[ev.data]].batch_size;
  ev.location = stmt.location();
  ev.bindings.push_back({std::string(e.field(Field::Left).text()), "loss_value"});
  ctx.script->evaluations.push_back(ev);
  if (predicted) {
    ScriptStep predict;
    predict.kind = ScriptStep::Kind::Predict;
    predict.variable = prediction;
    predict.text = std::string(x.text());
    predict.location = inner[0].location();
    out.push_back(std::move(predict));
  }
  ScriptStep step;
  step.kind = ScriptStep::Kind::Evaluate;
  step.index = ctx.script->evaluations.size() - 1;
  step.location = stmt.location();
  step.text = std::string(stmt.text());
  out.push_back(std::move(step));
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "the loss of the model on all of '" << std::string(x.text())
      << "' under torch.no_grad(): evaluate in one batch";
  return true;
}

std::vector<ScriptStep> TorchScriptRecognizer::per_epoch_steps(
    Node loop, pivot::Fit fit, std::vector<ScriptStep> extra, const std::vector<Node>& kept,
    const std::vector<Node>& unknown, const std::vector<pivot::ResultBinding>& values,
    const std::set<std::string>& locals, const std::set<std::string>& helper_values,
    ScriptContext& ctx) {
  std::vector<ScriptStep> body;
  fit.epoch_variable = std::string(loop.field(Field::Left).text());
  ScriptArgs range = call_args(loop.field(Field::Right));
  fit.epoch_start = range.positional.size() == 2 ? setup_value(range.positional[0])
                                                 : pivot::SetupValue::integer(0);
  if (fit.history_variable.empty()) fit.history_variable = unused_name(loop, "history");
  // Callbacks that keep state across epochs restart with every fit call.
  for (const auto& c : ctx.script->setup.callbacks)
    if (c.kind == "early_stopping")
      body.push_back(unsupported_step(
          loop, ctx,
          "early stopping with the epoch loop kept: its callback restarts with every fit call"));
  for (const auto& sch : ctx.script->setup.schedules)
    if (sch.kind == "reduce_on_plateau")
      body.push_back(unsupported_step(
          loop, ctx,
          "ReduceLROnPlateau with the epoch loop kept: its callback restarts with every fit call"));
  // The batch loop's values the epoch's statements read: defined from the epoch's history.
  std::set<std::string> read;
  for (Node s : kept)
    for (const auto& n : names_used(s)) read.insert(n);
  std::set<std::string> bound;
  for (const auto& v : values) {
    if (!read.count(v.variable) || bound.count(v.variable)) continue;
    fit.bindings.push_back(v);
    bound.insert(v.variable);
    if (v.quantity == "loss_last")
      ctx.diags->warning(Code::TrainingConvention, loop.location())
          << "'" << v.variable
          << "' after the batch loop is the last batch's loss in the source; here it is the "
             "epoch's mean training loss (history.history[\"loss\"])";
  }
  ctx.script->fits.push_back(fit);
  ScriptStep train;
  train.kind = ScriptStep::Kind::Train;
  train.index = ctx.script->fits.size() - 1;
  train.location = loop.location();
  train.text = std::string(loop.text());
  body.insert(body.begin(), std::move(train));
  body.insert(body.end(), extra.begin(), extra.end());
  for (Node s : unknown)
    body.push_back(
        unsupported_step(s, ctx, "a statement of the training loop that Keras fit cannot run"));
  for (Node s : kept) {
    // A value a helper call returned (its function is not written): never left undefined.
    std::string returned;
    for (const auto& n : names_used(s))
      if (helper_values.count(n)) returned = n;
    if (!returned.empty()) {
      const std::string why = "'" + returned +
                              "' is what a training/evaluation helper returned in the source; "
                              "its Keras fit does not compute it";
      if (is_print(s)) {
        body.push_back(dropped_step(s, ctx, why));
        ctx.diags->warning(Code::ScriptDropped, s.location()) << why << ": print not migrated";
      } else {
        body.push_back(unsupported_step(s, ctx, why));
      }
      continue;
    }
    std::string last_batch;
    for (const auto& n : names_used(s))
      if (locals.count(n) && !bound.count(n)) last_batch = n;
    if (!last_batch.empty()) {
      if (is_print(s)) {
        body.push_back(dropped_step(s, ctx, "a print of the last batch's '" + last_batch + "'"));
        ctx.diags->warning(Code::ScriptDropped, s.location())
            << "this print reads '" << last_batch
            << "' of the source's last batch, which Keras fit does not return: not migrated";
        continue;
      }
      body.push_back(unsupported_step(s, ctx,
                                      "it reads '" + last_batch +
                                          "', a value of the source's last batch that Keras fit "
                                          "does not return"));
      continue;
    }
    if (is_print(s) && touches_framework(s, ctx)) {
      body.push_back(dropped_step(s, ctx, "a print of PyTorch objects"));
      ctx.diags->warning(Code::ScriptDropped, s.location())
          << "this print reads PyTorch objects the Keras script does not have: not migrated";
      continue;
    }
    auto steps = ctx.walk_statement ? ctx.walk_statement(s) : std::vector<ScriptStep>{};
    body.insert(body.end(), steps.begin(), steps.end());
  }
  ctx.diags->note(Code::ScriptDropped, loop.location())
      << "the epoch loop runs statements every epoch: it is kept, each iteration fits one epoch "
         "(initial_epoch, epochs) and its statements run after it";
  ScriptStep compile;
  compile.kind = ScriptStep::Kind::Compile;
  compile.location = loop.location();
  ScriptStep block;
  block.kind = ScriptStep::Kind::Block;
  block.location = loop.location();
  block.clauses.push_back({loop_header(loop), std::move(body)});
  return {compile, block};
}

}  // namespace nnport::readers::pytorch
