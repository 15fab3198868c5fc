// The loops of PyTorch training scripts as typed steps: the epoch loop (with its batch loop,
// or a call of a training helper) -> Train (fit), an evaluation under torch.no_grad() or a call
// of an evaluation helper -> Evaluate. Bookkeeping that Keras does itself (running loss and
// accuracy sums, their prints) folds into fit's metrics and verbose output, with a note; every
// other statement inside the loop is reported at its line.
#include <algorithm>

#include "frameworks/training_table.h"
#include "readers/pytorch/script_early_stopping.h"
#include "readers/pytorch/script_global_helpers.h"
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_setup_calls.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

const std::set<std::string> kReportingNames = {"len",    "float",   "int",    "round", "str",
                                               "max",    "min",     "sum",    "abs",   "print",
                                               "format", "logging", "logger", "log",   "tqdm"};

bool is_reporting_call(Node e) {
  if (!e || !e.is(Kind::Call)) return false;
  const std::string fn(e.field(Field::Function).text());
  return fn == "print" || fn.rfind("logging.", 0) == 0 || fn.rfind("logger.", 0) == 0 ||
         fn.rfind("log.", 0) == 0;
}

bool is_zero_literal(Node r) {
  return r && (r.text() == "0" || r.text() == "0.0" || r.text() == "0.");
}

// `range(E)` / `range(1, E + 1)` / `range(start, stop)` -> the number of epochs.
std::optional<pivot::SetupValue> epoch_count(Node right) {
  if (!right.is(Kind::Call) || right.field(Field::Function).text() != "range") return std::nullopt;
  ScriptArgs a = call_args(right);
  if (!a.keywords.empty() || a.positional.empty() || a.positional.size() > 2) return std::nullopt;
  if (a.positional.size() == 1) return setup_value(a.positional[0]);
  Node start = a.positional[0];
  Node stop = a.positional[1];
  if (start.text() == "0") return setup_value(stop);
  if (start.text() == "1" && stop.is(Kind::BinaryOperator) && stop.child(1).type() == "+" &&
      stop.field(Field::Right).text() == "1")
    return setup_value(stop.field(Field::Left));
  pivot::SetupValue from = setup_value(start), to = setup_value(stop);
  pivot::SetupValue v =
      pivot::SetupValue::expr(std::string(stop.text()) + " - " + std::string(start.text()));
  if (from.kind == pivot::SetupValue::Kind::Int && to.kind == pivot::SetupValue::Kind::Int)
    v = pivot::SetupValue::integer(to.i - from.i);
  v.from_source = true;
  v.location = right.location();
  return v;
}

// The loops count correct predictions: the accuracy metric Keras computes, resolved from the
// loss (argmax for class indices; a threshold at 0 on logits, 0.5 on probabilities for binary).
void add_accuracy_metric(ScriptContext& ctx, Node where) {
  if (!ctx.script->setup.metrics.empty()) return;
  pivot::Metric m;
  const auto& loss = ctx.script->setup.loss;
  m.kind = loss && loss->kind == "binary_cross_entropy" ? "binary_accuracy"
                                                        : "sparse_categorical_accuracy";
  if (m.kind == "binary_accuracy")
    m.args["threshold"] = pivot::SetupValue::real(loss && loss->input_form == "logits" ? 0.0 : 0.5);
  m.display_name = "accuracy";
  m.location = where.location();
  ctx.script->setup.metrics.push_back(std::move(m));
}

// Logging inside a batch loop and flags ending it early: fit prints its own progress and runs
// whole epochs. Each is dropped with a warning at its line (never silently).
void report_loop_logging(const BatchLoop& b, ScriptContext& ctx) {
  for (Node r : b.progress_reports)
    ctx.diags->warning(Code::ScriptDropped, r.location())
        << "progress logging inside the batch loop is not migrated: Keras fit prints the running "
           "loss and metrics itself (verbose)";
  for (Node r : b.early_breaks)
    ctx.diags->warning(Code::ScriptDropped, r.location())
        << "'" << std::string(r.field(Field::Condition).text())
        << "' ends the source's batch loop early; Keras fit runs whole epochs, this break is not "
           "migrated";
}

}  // namespace

// The loss of a loop that calls a torch.nn.functional loss (`F.nll_loss(output, target)`)
// instead of a loss object: the training setup's loss, from the functional's table row. False
// (reported at the call) when it has no row, its arguments do not bind, or it differs from the
// loss the script already uses.
bool TorchScriptRecognizer::functional_loss(const BatchLoop& b, ScriptContext& ctx,
                                            std::vector<ScriptStep>& out) {
  if (!b.functional_loss) return true;
  Node call = b.functional_loss;
  const std::string q = qualified(call.field(Field::Function), ctx);
  const frameworks::SetupRow* row =
      q.rfind("torch.nn.functional.", 0) == 0
          ? frameworks::find_row_by_symbol(frameworks::pytorch::training_rows(), q)
          : nullptr;
  std::string why =
      "the loss function " + std::string(call.field(Field::Function).text()) + " has no mapping";
  std::optional<pivot::SetupArgs> bound;
  if (row) bound = bind_setup_call(*row, call, 2, why);
  if (bound) {
    pivot::Loss loss;
    loss.kind = row->kind;
    loss.args = std::move(*bound);
    if (auto f = row->implied.find("input_form"); f != row->implied.end())
      loss.input_form = f->second;
    if (auto f = row->implied.find("label_form"); f != row->implied.end())
      loss.label_form = f->second;
    // SmoothL1 with beta b is Huber(delta=b) / b: the same loss only at b = 1.
    if (auto d = loss.args.find("delta"); d != loss.args.end() && row->kind == "huber" &&
                                          row->symbol.find("smooth_l1") != std::string::npos) {
      const auto& v = d->second;
      if (!(v.kind == pivot::SetupValue::Kind::Float && v.f == 1.0) &&
          !(v.kind == pivot::SetupValue::Kind::Int && v.i == 1)) {
        out.push_back(unsupported_step(call, ctx,
                                       "smooth_l1_loss with beta != 1 is Huber(delta=beta) / beta: "
                                       "no Keras loss computes it"));
        return false;
      }
    }
    loss.location = call.location();
    auto& current = ctx.script->setup.loss;
    if (!current) {
      current = std::move(loss);
      ctx.diags->note(Code::TrainingConvention, call.location())
          << "the loop computes its loss with " << q << ": compiled as the Keras loss object";
      return true;
    }
    if (current->kind == loss.kind && current->input_form == loss.input_form) return true;
    why = "the loop's loss " + q + " differs from the loss the script trains with";
  }
  out.push_back(unsupported_step(call, ctx, why));
  return false;
}

void TorchScriptRecognizer::find_helpers(Node module, const ScriptContext& ctx) {
  find_loader_helpers(module, ctx);
  find_dataset_helpers(module, ctx);
  const std::set<std::string> globals = module_globals(module);
  for (Node stmt : module.named_children()) {
    Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
    if (!def.is(Kind::FunctionDefinition)) continue;
    LoopHelper h;
    h.def = def;
    for (Node p : def.field(Field::Parameters).named_children()) {
      Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
      if (!name && p.named_child_count() > 0) name = p.named_child(0);
      h.params.push_back(name ? std::string(name.text()) : "");
    }
    const std::set<std::string> params(h.params.begin(), h.params.end());
    LoopNames names;
    names.models = names.optimizers = names.losses = params;
    // Exactly one batch loop over a parameter, at the top of the body or under no_grad().
    std::vector<Node> loops =
        find_all(def.field(Field::Body), [](Node n) { return n.is(Kind::ForStatement); });
    if (fit_helper_epoch_loop(def, names)) {
      h.role = LoopHelper::Role::Fit;
      helpers_[std::string(def.field(Field::Name).text())] = h;
      continue;
    }
    if (loops.size() != 1) continue;
    h.names = names;
    h.loader_names = params;
    // A helper over the script's globals (`def train(epoch):` using the module's model, loader
    // and optimizer) is read with them, where its calls are those of the module's epoch loop.
    const std::string fname(def.field(Field::Name).text());
    if (called_only_from_epoch_loops(module, fname)) {
      for (const auto& g : globals) {
        h.names.models.insert(g);
        h.names.optimizers.insert(g);
        h.names.losses.insert(g);
        h.names.schedules.insert(g);
        h.loader_names.insert(g);
      }
    }
    auto loop = analyze_batch_loop(loops[0], h.names, h.loader_names);
    if (!loop) continue;
    h.role = loop->trains ? LoopHelper::Role::Train : LoopHelper::Role::Evaluate;
    helpers_[fname] = h;
  }
}

bool TorchScriptRecognizer::claim_loop(Node stmt, ScriptContext& ctx,
                                       std::vector<ScriptStep>& out) {
  // An epoch loop: `for epoch in range(E):` whose body trains (directly or through a helper).
  Node right = stmt.field(Field::Right);
  auto epochs = epoch_count(right);
  bool trains = has_training_step(stmt.field(Field::Body), names_);
  for (const auto& [helper_name, h] : helpers_) {
    // A plain reference: clang 14 cannot capture structured bindings in a lambda.
    const std::string& name = helper_name;
    if (h.role == LoopHelper::Role::Train && !find_all(stmt.field(Field::Body), [&](Node n) {
                                                return n.is(Kind::Call) &&
                                                       n.field(Field::Function).text() == name;
                                              }).empty())
      trains = true;
  }
  if (epochs && trains) {
    auto steps = epoch_loop_steps(stmt, ctx);
    out.insert(out.end(), steps.begin(), steps.end());
    return true;
  }
  // A single pass of a batch loop that trains: one epoch.
  auto batch = analyze_batch_loop(stmt, names_, {});
  if (batch && batch->trains) {
    auto steps = epoch_loop_steps(stmt, ctx);
    out.insert(out.end(), steps.begin(), steps.end());
    return true;
  }
  return false;
}

std::vector<ScriptStep> TorchScriptRecognizer::epoch_loop_steps(Node loop, ScriptContext& ctx) {
  std::vector<ScriptStep> extra;
  pivot::Fit fit;
  fit.location = loop.location();
  std::set<std::string> bookkeeping;
  std::vector<Node> body_stmts;
  std::string epoch_var;
  bool single_pass = false;
  if (auto epochs = epoch_count(loop.field(Field::Right))) {
    fit.epochs = *epochs;
    epoch_var = std::string(loop.field(Field::Left).text());
    for (Node s : loop.field(Field::Body).named_children()) body_stmts.push_back(s);
  } else {
    fit.epochs = pivot::SetupValue::integer(1);
    fit.epochs.from_source = true;
    body_stmts.push_back(loop);
    single_pass = true;
  }
  std::vector<Node> kept;           // epoch statements run as written when the epoch loop is kept
  std::vector<Node> unknown;        // statements of the batch loop not understood
  std::vector<Node> epoch_unknown;  // statements run every epoch not understood
  std::vector<Node> reporting;
  bool accuracy = false;
  bool folded_progress = false;
  bool has_accumulators = false;
  std::set<std::string> validation_losses;  // the epoch's validation loss variables
  // The training step's own values (accumulators and loss tensors), for per-epoch fits.
  std::vector<pivot::ResultBinding> train_values;
  std::set<std::string> train_locals;
  // What the loop's helper calls return (`train_loss = train_one_epoch(...)`): fit does not
  // return them.
  std::set<std::string> helper_values;
  // Sums restarted every epoch (`running_loss = 0.0` in the epoch loop): one epoch's history
  // gives them; sums over all the epochs are not derived.
  std::set<std::string> epoch_zeroed;
  auto take_batch_loop = [&](const BatchLoop& b, bool training,
                             const std::map<std::string, std::string>& loader_of) {
    std::string loader = b.loader;
    if (auto it = loader_of.find(loader); it != loader_of.end()) loader = it->second;
    if (training) {
      fit.train_data = loader;
      train_values = b.accumulators;
      for (const auto& t : b.loss_tensors) train_values.push_back({t, "loss_last"});
      train_locals = b.locals;
      for (const auto& acc : b.accumulators) train_locals.insert(acc.variable);
      for (const auto& s : b.batch_schedules) {
        for (auto& sch : ctx.script->setup.schedules)
          if (sch.variable == s) sch.unit = "batch";
      }
      if (b.clip && ctx.script->setup.optimizer) {
        ctx.script->setup.optimizer->clip =
            b.clip_by_value ? pivot::Optimizer::Clip::Value : pivot::Optimizer::Clip::GlobalNorm;
        ctx.script->setup.optimizer->clip_value = b.clip_norm;
      }
    } else {
      fit.validation_data = loader;
      for (const auto& acc : b.accumulators)
        if (acc.quantity.rfind("loss", 0) == 0) validation_losses.insert(acc.variable);
    }
    accuracy |= b.accuracy;
    report_loop_logging(b, ctx);
    functional_loss(b, ctx, extra);
    if (!b.progress_reports.empty()) folded_progress = true;
    has_accumulators |= !b.accumulators.empty();
    for (const auto& acc : b.accumulators) bookkeeping.insert(acc.variable);
    for (const auto& l : b.locals) bookkeeping.insert(l);
    const bool flattened = flatten_features(loader, b, ctx);
    for (Node s : b.unknown)
      if (!flattened || std::find(b.feature_flattens.begin(), b.feature_flattens.end(), s) ==
                            b.feature_flattens.end())
        unknown.push_back(s);
  };
  // A helper call: `loss, acc = train_one_epoch(model, train_loader, optimizer, criterion)`.
  auto helper_call = [&](Node e, const std::vector<std::string>& targets) -> bool {
    if (!e || !e.is(Kind::Call) || !e.field(Field::Function).is(Kind::Identifier)) return false;
    auto it = helpers_.find(std::string(e.field(Field::Function).text()));
    if (it == helpers_.end()) return false;
    const LoopHelper& h = it->second;
    if (h.role == LoopHelper::Role::Fit) return false;
    Node body_loop =
        find_all(h.def.field(Field::Body), [](Node n) { return n.is(Kind::ForStatement); })[0];
    auto b = analyze_batch_loop(body_loop, h.names, h.loader_names);
    if (!b) return false;
    ScriptArgs a = call_args(e);
    std::map<std::string, std::string> loader_of;
    for (size_t i = 0; i < h.params.size(); ++i) {
      Node arg = i < a.positional.size()         ? a.positional[i]
                 : a.keywords.count(h.params[i]) ? a.keywords[h.params[i]]
                                                 : Node{};
      if (arg) loader_of[h.params[i]] = std::string(arg.text());
    }
    BatchLoop copy = *b;
    copy.unknown.clear();  // the helper's own statements were reported with its definition
    take_batch_loop(copy, h.role == LoopHelper::Role::Train, loader_of);
    for (const auto& t : targets) bookkeeping.insert(t);
    helper_values.insert(targets.begin(), targets.end());
    if (h.role == LoopHelper::Role::Evaluate && targets.size() == 1)
      validation_losses.insert(targets[0]);
    return true;
  };
  auto classify = [&](Node s, auto& self) -> void {
    if (s.is(Kind::Comment)) return;
    if (s.is(Kind::ForStatement)) {
      if (auto b = analyze_batch_loop(s, names_, {})) {
        take_batch_loop(*b, b->trains, {});
        return;
      }
      if (auto m = analyze_manual_batches(s, names_); m && m->step.trains) {
        const std::string name = array_dataset(m->features, m->labels, m->batch_size, ctx);
        m->step.loader = name;
        take_batch_loop(m->step, true, {});
        ctx.diags->note(Code::ScriptDropped, s.location())
            << "batches sliced by hand from '" << std::string(m->features.text()) << "' and '"
            << std::string(m->labels.text())
            << "' in order: fit with their batch size and shuffle=False (the loop's count, "
            << std::string(s.field(Field::Right).text()) << ", taken as all of the samples)";
        return;
      }
      epoch_unknown.push_back(s);
      return;
    }
    if (s.type() == "with_statement" && is_no_grad_with(s)) {
      for (Node inner : s.field(Field::Body).named_children()) self(inner, self);
      return;
    }
    if (auto stop = match_early_stopping(s, validation_losses, [&](Node x) -> Node {
          Node e = expression_of(x);
          if (!e || !e.is(Kind::Call) || qualified(e.field(Field::Function), ctx) != "torch.save")
            return {};
          ScriptArgs a = call_args(e);
          if (a.positional.size() != 2 ||
              a.positional[0].text() != ctx.script->model_variable + ".state_dict()")
            return {};
          return a.positional[1];
        })) {
      pivot::Callback early;
      early.kind = "early_stopping";
      early.location = s.location();
      early.args["monitor"] = pivot::SetupValue::string("val_loss");
      early.args["patience"] = stop->patience;
      early.args["min_delta"] = stop->min_delta;
      early.args["mode"] = pivot::SetupValue::string("min");
      early.args["restore_best_weights"] = pivot::SetupValue::boolean(false);
      ctx.script->setup.callbacks.push_back(early);
      if (stop->save_path.set()) {
        pivot::Callback save;
        save.kind = "checkpoint";
        save.location = s.location();
        save.args["filepath"] = stop->save_path;
        save.args["monitor"] = pivot::SetupValue::string("val_loss");
        save.args["save_best_only"] = pivot::SetupValue::boolean(true);
        save.args["save_weights_only"] = pivot::SetupValue::boolean(true);
        ctx.script->setup.callbacks.push_back(save);
      }
      bookkeeping.insert(stop->monitored);
      ctx.diags->note(Code::ScriptDropped, s.location())
          << "early stopping on '" << stop->monitored
          << "' written in the loop: an early-stopping callback (monitor the validation loss, "
             "mode min)"
          << (stop->save_path.set() ? " and a checkpoint of the best weights" : "");
      return;
    }
    Node e = expression_of(s);
    if (e && e.is(Kind::Call)) {
      Node fn = e.field(Field::Function);
      if (fn.is(Kind::Attribute)) {
        const std::string object(fn.field(Field::Object).text());
        const std::string method(fn.field(Field::Attribute).text());
        if (object == ctx.script->model_variable && (method == "train" || method == "eval")) return;
        if (names_.schedules.count(object) && method == "step") {
          ScriptArgs a = call_args(e);
          for (auto& sch : ctx.script->setup.schedules)
            if (sch.variable == object && !a.positional.empty())
              sch.args["monitor"] = pivot::SetupValue::expr(std::string(a.positional[0].text()));
          return;
        }
      }
      if (helper_call(e, {})) return;
      if (is_reporting_call(e)) {
        reporting.push_back(s);
        return;
      }
    }
    if (e && e.is(Kind::Assignment)) {
      auto targets = target_names(e.field(Field::Left));
      if (helper_call(e.field(Field::Right), targets)) return;
      Node r = e.field(Field::Right);
      if (is_zero_literal(r)) {
        for (const auto& t : targets) bookkeeping.insert(t);
        for (const auto& t : targets) epoch_zeroed.insert(t);
        return;
      }
      reporting.push_back(s);  // derived bookkeeping (`acc = correct / total`) is checked below
      return;
    }
    if (e && e.is(Kind::AugmentedAssignment)) {  // `val_loss /= len(val_ds)`: checked below
      reporting.push_back(s);
      return;
    }
    epoch_unknown.push_back(s);
  };
  // The full-batch loop: the epoch's body is itself the training step on whole arrays (`for t in
  // range(T): y_pred = model(x); loss = loss_fn(y_pred, y); ...`).
  const bool inner_loop = std::any_of(body_stmts.begin(), body_stmts.end(), [](Node s) {
    return !find_all(s, [](Node n) { return n.is(Kind::ForStatement); }).empty();
  });
  std::optional<BatchLoop> full_batch;
  if (!single_pass && !inner_loop)
    full_batch = analyze_step_statements(loop, body_stmts, names_, {}, {});
  if (full_batch && full_batch->trains && full_batch->model_input && full_batch->loss_target &&
      full_batch->model_input.is(Kind::Identifier) &&
      full_batch->loss_target.is(Kind::Identifier) &&
      !touches_framework(full_batch->model_input, ctx) &&
      !touches_framework(full_batch->loss_target, ctx)) {
    const std::string x(full_batch->model_input.text());
    const std::string name =
        array_dataset(full_batch->model_input, full_batch->loss_target, Node{}, ctx);
    full_batch->loader = name;
    take_batch_loop(*full_batch, true, {});
    ctx.diags->note(Code::ScriptDropped, loop.location())
        << "every epoch trains one step on all of '" << x << "': fit with batch_size=len(" << x
        << ") and shuffle=False";
  } else {
    for (Node s : body_stmts) {
      const size_t before = reporting.size() + epoch_unknown.size();
      classify(s, classify);
      if (reporting.size() + epoch_unknown.size() != before) kept.push_back(s);
    }
  }
  // Derived bookkeeping and reports: foldable when they read only bookkeeping names.
  std::set<std::string> allowed = bookkeeping;
  allowed.insert(kReportingNames.begin(), kReportingNames.end());
  if (!epoch_var.empty()) allowed.insert(epoch_var);
  for (const auto& n : names_used(loop.field(Field::Right))) allowed.insert(n);
  for (const auto& l : names_.loaders) allowed.insert(l);
  for (const auto& [d, index] : datasets_) allowed.insert(d);
  bool folded_report = folded_progress;
  for (Node s : reporting) {
    Node e = expression_of(s);
    // `print(..., validate(model, val_loader, criterion))`: the helper call is the validation.
    for (Node c : find_all(e, [&](Node n) {
           return n.is(Kind::Call) && n.field(Field::Function).is(Kind::Identifier) &&
                  helpers_.count(std::string(n.field(Field::Function).text()));
         }))
      if (helper_call(c, {}))
        for (const auto& n : names_used(c)) allowed.insert(n);
    bool ok = true;
    const bool assigns = e.is(Kind::Assignment) || e.is(Kind::AugmentedAssignment);
    for (const auto& n : names_used(assigns ? e.field(Field::Right) : e))
      ok &= allowed.count(n) > 0;
    if (e.is(Kind::AugmentedAssignment))
      ok &= allowed.count(std::string(e.field(Field::Left).text())) > 0;
    if (ok && e.is(Kind::Assignment)) {
      for (const auto& t : target_names(e.field(Field::Left))) allowed.insert(t);
      continue;
    }
    if (ok) {
      folded_report = true;
      continue;
    }
    epoch_unknown.push_back(s);
  }
  if (fit.train_data.empty()) {
    // The loop stays a TODO, but its schedulers are still written where they are made: one
    // stepped inside an inner loop steps every batch, not every epoch, and must not be written
    // as an epoch schedule.
    for (Node inner :
         find_all(loop.field(Field::Body), [](Node n) { return n.is(Kind::ForStatement); }))
      for (Node c : find_all(inner.field(Field::Body), [](Node n) {
             return n.is(Kind::Call) && n.field(Field::Function).is(Kind::Attribute) &&
                    n.field(Field::Function).field(Field::Attribute).text() == "step";
           })) {
        const std::string object(c.field(Field::Function).field(Field::Object).text());
        for (auto& sch : ctx.script->setup.schedules)
          if (sch.variable == object) sch.unit = "batch";
      }
    extra.push_back(unsupported_step(loop, ctx, "a training loop whose data nnport did not read"));
    return extra;
  }
  // Statements run every epoch that fit cannot run: the epoch loop stays, around one fit call
  // per epoch, and they run as written after it.
  const bool per_epoch = !single_pass && !epoch_unknown.empty() && !epoch_var.empty();
  std::erase_if(train_values, [&](const pivot::ResultBinding& v) {
    return v.quantity != "loss_last" && !epoch_zeroed.count(v.variable);
  });
  // What fit does by itself, from the loader.
  auto ds = datasets_.find(fit.train_data);
  if (ds != datasets_.end()) {
    const pivot::Dataset& d = ctx.script->setup.datasets[ds->second];
    fit.batch_size = d.batch_size;
    fit.shuffle = d.shuffle;
  }
  fit.verbose = pivot::SetupValue::integer(2);  // one line per epoch, as the source's prints
  if (accuracy) add_accuracy_metric(ctx, loop);
  if (per_epoch)
    return per_epoch_steps(loop, fit, extra, kept, unknown, train_values, train_locals,
                           helper_values, ctx);
  if (folded_report || has_accumulators)
    ctx.diags->note(Code::ScriptDropped, loop.location())
        << "the loop's running loss" << (accuracy ? "/accuracy" : "")
        << " bookkeeping and its prints are what Keras fit computes and prints (metrics, "
           "verbose=2)";
  // The batch loop's values read by the statements after the loop (`print(loss.item())`): the
  // target has no batch loop, they are defined from the last epoch's history.
  if (Node parent = loop.parent()) {
    std::set<std::string> later;
    for (Node s : parent.named_children())
      if (s.start_byte() > loop.start_byte())
        for (const auto& n : names_used(s)) later.insert(n);
    for (const auto& v : train_values) {
      if (!later.count(v.variable)) continue;
      if (fit.history_variable.empty()) fit.history_variable = unused_name(loop, "history");
      fit.bindings.push_back(v);
      if (v.quantity == "loss_last")
        ctx.diags->warning(Code::TrainingConvention, loop.location())
            << "'" << v.variable
            << "' after the loop is the last batch's loss in the source; here it is the last "
               "epoch's mean training loss (history.history[\"loss\"])";
    }
  }
  ctx.script->fits.push_back(fit);
  ScriptStep step;
  step.kind = ScriptStep::Kind::Train;
  step.index = ctx.script->fits.size() - 1;
  step.location = loop.location();
  step.text = std::string(loop.text());
  extra.insert(extra.begin(), std::move(step));
  for (Node s : unknown)
    extra.push_back(
        unsupported_step(s, ctx, "a statement of the training loop that Keras fit cannot run"));
  for (Node s : epoch_unknown)
    extra.push_back(unsupported_step(
        s, ctx, "a statement run every epoch in the source; Keras fit runs the epochs"));
  return extra;
}

bool TorchScriptRecognizer::claim_no_grad(Node stmt, ScriptContext& ctx,
                                          std::vector<ScriptStep>& out) {
  std::vector<Node> inner;
  for (Node s : stmt.field(Field::Body).named_children())
    if (!s.is(Kind::Comment)) inner.push_back(s);
  if (claim_predict_loop(stmt, inner, ctx, out)) return true;
  if (claim_array_evaluation(stmt, inner, ctx, out)) return true;
  std::optional<BatchLoop> loop;
  for (Node s : inner)
    if (auto b = analyze_batch_loop(s, names_, {}); b && !b->trains) loop = b;
  if (!loop) return claim_predictions(stmt, inner, ctx, out);
  functional_loss(*loop, ctx, out);
  if (loop->accuracy) add_accuracy_metric(ctx, stmt);
  pivot::Evaluate ev;
  ev.data = loop->loader;
  ev.location = stmt.location();
  if (auto ds = datasets_.find(ev.data); ds != datasets_.end())
    ev.batch_size = ctx.script->setup.datasets[ds->second].batch_size;
  ev.bindings = loop->accumulators;
  ctx.script->evaluations.push_back(ev);
  ScriptStep step;
  step.kind = ScriptStep::Kind::Evaluate;
  step.index = ctx.script->evaluations.size() - 1;
  step.location = stmt.location();
  step.text = std::string(stmt.text());
  out.push_back(std::move(step));
  for (Node s : inner) {
    if (s == loop->loop) continue;
    out.push_back(unsupported_step(
        s, ctx, "a statement of the evaluation block that Keras evaluate does not run"));
  }
  for (Node s : loop->unknown)
    out.push_back(unsupported_step(
        s, ctx, "a statement of the evaluation loop that Keras evaluate does not run"));
  return true;
}

bool TorchScriptRecognizer::claim_predictions(Node stmt, const std::vector<Node>& inner,
                                              ScriptContext& ctx, std::vector<ScriptStep>& out) {
  // `with torch.no_grad(): predictions = model(torch.from_numpy(x_new))`: each statement calls
  // the model once on an array; the predictions are arrays in the target.
  std::vector<ScriptStep> steps;
  for (Node s : inner) {
    Node e = expression_of(s);
    if (!e || !e.is(Kind::Assignment) || !e.field(Field::Left).is(Kind::Identifier)) return false;
    Node call = e.field(Field::Right);
    if (!call.is(Kind::Call) || call.field(Field::Function).text() != ctx.script->model_variable ||
        ctx.script->model_variable.empty())
      return false;
    ScriptArgs a = call_args(call);
    if (a.positional.size() != 1 || !a.keywords.empty()) return false;
    Node input = a.positional[0];
    std::string text(input.text());
    if (input.is(Kind::Call)) {
      auto converted = numpy_conversion(input, ctx);
      if (!converted) return false;
      text = *converted;
      uses_numpy = true;
    } else if (touches_framework(input, ctx)) {
      return false;
    }
    ScriptStep step;
    step.kind = ScriptStep::Kind::Predict;
    step.variable = std::string(e.field(Field::Left).text());
    step.text = text;
    step.location = s.location();
    steps.push_back(std::move(step));
  }
  if (steps.empty()) return false;
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "torch.no_grad() around the model's calls: Keras predict computes no gradients";
  out.insert(out.end(), steps.begin(), steps.end());
  return true;
}

bool TorchScriptRecognizer::evaluation_call(Node stmt, ScriptContext& ctx,
                                            std::vector<ScriptStep>& out) {
  Node e = expression_of(stmt);
  if (!e) return false;
  std::vector<std::string> targets;
  Node call = e;
  if (e.is(Kind::Assignment)) {
    targets = target_names(e.field(Field::Left));
    call = e.field(Field::Right);
  }
  if (!call || !call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Identifier))
    return false;
  auto it = helpers_.find(std::string(call.field(Field::Function).text()));
  if (it == helpers_.end() || it->second.role != LoopHelper::Role::Evaluate) return false;
  const LoopHelper& h = it->second;
  Node body = h.def.field(Field::Body);
  Node loop_node = find_all(body, [](Node n) { return n.is(Kind::ForStatement); })[0];
  auto loop = analyze_batch_loop(loop_node, h.names, h.loader_names);
  if (!loop) return false;
  functional_loss(*loop, ctx, out);
  if (loop->accuracy) add_accuracy_metric(ctx, stmt);
  ScriptArgs a = call_args(call);
  pivot::Evaluate ev;
  for (size_t i = 0; i < h.params.size(); ++i)
    if (h.params[i] == loop->loader) {
      Node arg = i < a.positional.size()         ? a.positional[i]
                 : a.keywords.count(h.params[i]) ? a.keywords[h.params[i]]
                                                 : Node{};
      if (arg) ev.data = std::string(arg.text());
    }
  // A helper over the script's globals evaluates on the global loader it iterates.
  if (ev.data.empty() &&
      std::find(h.params.begin(), h.params.end(), loop->loader) == h.params.end())
    ev.data = loop->loader;
  if (ev.data.empty()) return false;
  if (!flatten_features(ev.data, *loop, ctx))
    for (Node s : loop->feature_flattens)
      out.push_back(unsupported_step(
          s, ctx, "a per-batch reshape of the features of a dataset nnport cannot reshape whole"));
  ev.location = stmt.location();
  if (auto ds = datasets_.find(ev.data); ds != datasets_.end())
    ev.batch_size = ctx.script->setup.datasets[ds->second].batch_size;
  // The helper's accumulators under private names, its derived locals inlined, and its return
  // expression over them.
  std::map<std::string, std::string> renames;
  for (const auto& acc : loop->accumulators) {
    renames[acc.variable] = "_" + acc.variable;
    ev.bindings.push_back({"_" + acc.variable, acc.quantity});
  }
  Node returned;
  for (Node s : body.named_children()) {
    Node se = expression_of(s);
    if (s.is(Kind::ReturnStatement)) returned = s.named_child_count() ? s.named_child(0) : Node{};
    if (se && se.is(Kind::Assignment) && se.field(Field::Left).is(Kind::Identifier) &&
        !is_zero_literal(se.field(Field::Right)) && s.start_byte() > loop_node.start_byte()) {
      renames[std::string(se.field(Field::Left).text())] =
          "(" + rename_identifiers(se.field(Field::Right), renames) + ")";
    }
  }
  if (!returned && !targets.empty()) return false;
  if (returned) ev.result_expression = rename_identifiers(returned, renames);
  for (const auto& n : names_used(returned))
    if (!renames.count(n) && !kReportingNames.count(n))
      return false;  // reads something the results lack
  ev.result_variables = targets;
  ctx.script->evaluations.push_back(ev);
  ScriptStep step;
  step.kind = ScriptStep::Kind::Evaluate;
  step.index = ctx.script->evaluations.size() - 1;
  step.location = stmt.location();
  step.text = std::string(stmt.text());
  out.push_back(std::move(step));
  return true;
}

}  // namespace nnport::readers::pytorch
