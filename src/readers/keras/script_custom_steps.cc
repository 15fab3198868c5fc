// Custom training loops of a Keras script (keras.io "Writing a training loop from scratch", the
// TensorFlow "Advanced quickstart"): a step with tf.GradientTape, in a function (often
// `@tf.function`) or inline in the script's own loop over a tf.data pipeline, and metric objects
// updated batch by batch. Each framework statement of the step becomes a typed step (Forward,
// LossCall, Gradients, ApplyGradients, MetricUpdate, ...); the loops and functions around stay
// Blocks with their framework-free headers. Anything else in the step that touches the framework
// is left to the walker, which reports it at its line.
#include <algorithm>

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {
namespace {

using pivot::ScriptStep;
using pivot::SetupValue;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

ScriptStep step_at(ScriptStep::Kind kind, Node stmt) {
  ScriptStep s;
  s.kind = kind;
  s.location = stmt.location();
  s.text = std::string(stmt.text());
  return s;
}

// The definition's text up to its body, without its decorators: "def train_step(x, y):".
std::string definition_header(Node def, Node body) {
  const std::string_view all = def.text();
  std::string header(
      all.substr(0, std::min<size_t>(body.start_byte() - def.start_byte(), all.size())));
  while (!header.empty() && std::string_view(" \t\r\n").find(header.back()) != std::string::npos)
    header.pop_back();
  return header;
}

std::vector<Node> children_of_type(Node node, std::string_view type) {
  std::vector<Node> out;
  for (Node c : node.children())
    if (c.type() == type) out.push_back(c);
  return out;
}

Node unparenthesized(Node n) {
  while (n && n.is(Kind::ParenthesizedExpression)) n = n.named_child(0);
  return n;
}

}  // namespace

bool KerasScriptRecognizer::is_model_weights(Node expr, const ScriptContext& ctx) const {
  if (!expr || !expr.is(Kind::Attribute)) return false;
  const std::string_view attr = expr.field(Field::Attribute).text();
  Node object = expr.field(Field::Object);
  auto it = ctx.vars.find(std::string(object.text()));
  return (attr == "trainable_weights" || attr == "trainable_variables") &&
         object.is(Kind::Identifier) && it != ctx.vars.end() && it->second == ScriptVar::Model;
}

std::vector<ScriptStep> KerasScriptRecognizer::read_gradient_step(Node body, ScriptContext& ctx) {
  return ctx.walk_body ? ctx.walk_body(body) : std::vector<ScriptStep>{};
}

bool KerasScriptRecognizer::claim_custom_step(Node stmt, ScriptContext& ctx,
                                              std::vector<ScriptStep>& out) {
  const std::string_view type = stmt.type();
  if (stmt.is(Kind::DecoratedDefinition) || stmt.is(Kind::FunctionDefinition))
    return claim_step_function(stmt, ctx, out);
  if (type == "with_statement") return claim_gradient_tape(stmt, ctx, out);
  if (stmt.is(Kind::ForStatement)) return claim_dataset_loop(stmt, ctx, out);
  if (!stmt.is(Kind::ExpressionStatement)) return false;
  Node e = pytorch::expression_of(stmt);
  if (!e) return false;
  if (e.is(Kind::AugmentedAssignment)) return claim_model_losses(stmt, e, ctx, out);
  Node call = e.is(Kind::Assignment) ? unparenthesized(e.field(Field::Right)) : e;
  if (!call || !call.is(Kind::Call)) return metric_reads_only(stmt, ctx, out);
  const auto targets = e.is(Kind::Assignment) ? pytorch::target_names(e.field(Field::Left))
                                              : std::vector<std::string>{};
  const std::string target = targets.size() == 1 ? targets[0] : "";
  if (e.is(Kind::Assignment) && targets.size() != 1) return false;
  Node fn = call.field(Field::Function);
  if (!target.empty() && qualified(fn, ctx).rfind("keras.metrics.", 0) == 0)
    return claim_metric_object(stmt, call, target, ctx, out);
  pytorch::ScriptArgs a = pytorch::call_args(call);
  auto var_is = [&](Node n, ScriptVar kind) {
    auto it = ctx.vars.find(std::string(n.text()));
    return n.is(Kind::Identifier) && it != ctx.vars.end() && it->second == kind;
  };
  // `logits = model(x, training=True)`: the model on a batch.
  // Inside a step or a loop over a dataset, or with the training flag of the custom-loop idiom.
  if (!target.empty() && var_is(fn, ScriptVar::Model) && !a.splat && a.positional.size() == 1 &&
      a.positional[0].is(Kind::Identifier) && !touches_framework(a.positional[0], ctx) &&
      (custom_depth_ > 0 || a.keywords.count("training"))) {
    bool training = false;
    for (const auto& [name, value] : a.keywords) {
      const SetupValue v = setup_value(value);
      if (name != "training" || v.kind != SetupValue::Kind::Bool) return false;
      training = v.b;
    }
    ScriptStep s = step_at(ScriptStep::Kind::Forward, stmt);
    s.variable = target;
    s.text = std::string(a.positional[0].text());
    s.training = training;
    s.gradients = in_gradient_tape_;
    out.push_back(std::move(s));
    return true;
  }
  // `loss_value = loss_fn(y, logits)`: the loss object, Keras' order (y_true, y_pred).
  if (!target.empty() && var_is(fn, ScriptVar::Loss)) {
    const auto& loss = ctx.script->setup.loss;
    if (a.splat || a.positional.size() != 2 || !a.keywords.empty() || !loss ||
        loss->variable != fn.text()) {
      out.push_back(unsupported_step(stmt, ctx,
                                     "a loss object called with sample_weight or other than "
                                     "(y_true, y_pred) has no mapping yet"));
      return true;
    }
    ScriptStep s = step_at(ScriptStep::Kind::LossCall, stmt);
    s.variable = target;
    s.args = {std::string(a.positional[0].text()), std::string(a.positional[1].text())};
    out.push_back(std::move(s));
    return true;
  }
  if (!fn.is(Kind::Attribute) && !fn.is(Kind::Identifier)) return false;
  Node object = fn.is(Kind::Attribute) ? fn.field(Field::Object) : fn;
  const std::string method = fn.is(Kind::Attribute) ? std::string(fn.field(Field::Attribute).text())
                                                    : std::string("__call__");
  // `grads = tape.gradient(loss_value, model.trainable_weights)`.
  if (!target.empty() && object.is(Kind::Identifier) && tapes_.count(std::string(object.text())) &&
      method == "gradient") {
    if (a.splat || a.positional.size() != 2 || !a.keywords.empty() ||
        !a.positional[0].is(Kind::Identifier) || !is_model_weights(a.positional[1], ctx)) {
      out.push_back(unsupported_step(
          stmt, ctx, "only tape.gradient(loss, model.trainable_weights) is mapped"));
      return true;
    }
    ScriptStep s = step_at(ScriptStep::Kind::Gradients, stmt);
    s.variable = target;
    s.text = std::string(a.positional[0].text());
    gradients_.insert(target);
    ctx.vars[target] = ScriptVar::Framework;
    out.push_back(std::move(s));
    return true;
  }
  // `optimizer.apply_gradients(zip(grads, model.trainable_weights))`.
  if (target.empty() && var_is(object, ScriptVar::Optimizer) && method == "apply_gradients") {
    Node pairs = a.positional.size() == 1 ? a.positional[0] : Node{};
    pytorch::ScriptArgs z =
        pairs && pairs.is(Kind::Call) ? pytorch::call_args(pairs) : pytorch::ScriptArgs{};
    const bool zipped = pairs && pairs.is(Kind::Call) &&
                        pairs.field(Field::Function).text() == "zip" && z.positional.size() == 2 &&
                        gradients_.count(std::string(z.positional[0].text())) &&
                        is_model_weights(z.positional[1], ctx);
    const auto& optimizer = ctx.script->setup.optimizer;
    if (!zipped || !a.keywords.empty() || !optimizer || optimizer->variable != object.text()) {
      out.push_back(unsupported_step(
          stmt, ctx,
          "only optimizer.apply_gradients(zip(grads, model.trainable_weights)) of the gradients "
          "tape.gradient computed is mapped"));
      return true;
    }
    ScriptStep s = step_at(ScriptStep::Kind::ApplyGradients, stmt);
    s.variable = std::string(z.positional[0].text());
    out.push_back(std::move(s));
    return true;
  }
  // Metric objects: `m.update_state(y, logits)`, `m(loss)`, `m.reset_state()`.
  if (object.is(Kind::Identifier) && metric_objects_.count(std::string(object.text()))) {
    if (!target.empty()) return metric_reads_only(stmt, ctx, out);
    if (method == "update_state" || method == "__call__") {
      if (a.splat || !a.keywords.empty() || a.positional.empty() || a.positional.size() > 2) {
        out.push_back(unsupported_step(
            stmt, ctx, "a metric object updated with sample_weight has no mapping yet"));
        return true;
      }
      ScriptStep s = step_at(ScriptStep::Kind::MetricUpdate, stmt);
      s.variable = std::string(object.text());
      for (Node p : a.positional) s.args.emplace_back(p.text());
      out.push_back(std::move(s));
      return true;
    }
    if ((method == "reset_state" || method == "reset_states") && a.positional.empty()) {
      ScriptStep s = step_at(ScriptStep::Kind::MetricReset, stmt);
      s.variable = std::string(object.text());
      out.push_back(std::move(s));
      return true;
    }
    return false;
  }
  return metric_reads_only(stmt, ctx, out);
}

bool KerasScriptRecognizer::claim_metric_object(Node stmt, Node call, const std::string& variable,
                                                ScriptContext& ctx, std::vector<ScriptStep>& out) {
  const auto& rows = frameworks::keras::training_rows();
  const frameworks::SetupRow* row =
      frameworks::find_row_by_symbol(rows, qualified(call.field(Field::Function), ctx));
  if (!row || row->family != pivot::SetupFamily::Metric) {
    out.push_back(unsupported_step(
        stmt, ctx,
        "metric '" + std::string(call.field(Field::Function).text()) + "' has no mapping yet"));
    ctx.vars[variable] = ScriptVar::Framework;
    return true;
  }
  pivot::Metric m;
  m.kind = row->kind;
  m.variable = variable;
  m.location = call.location();
  pytorch::ScriptArgs a = pytorch::call_args(call);
  if (auto it = a.keywords.find("name"); it != a.keywords.end())
    m.display_name = setup_value(it->second).text;
  a.keywords.erase("name");
  // keras.metrics.Mean("train_loss"): a metric without parameters takes its name first.
  if (row->args.empty() && a.positional.size() == 1 &&
      setup_value(a.positional[0]).kind == SetupValue::Kind::String) {
    m.display_name = setup_value(a.positional[0]).text;
    a.positional.clear();
  }
  for (const auto& [name, value] : a.keywords) {
    const auto* arg = row->find_spelled(name);
    if (!arg) {
      out.push_back(unsupported_step(stmt, ctx,
                                     row->symbol + ": argument '" + name + "' has no mapping yet"));
      ctx.vars[variable] = ScriptVar::Framework;
      return true;
    }
    m.args[arg->canonical] = setup_value(value);
  }
  for (size_t i = 0; i < a.positional.size(); ++i) {
    const frameworks::SetupArgRow* arg = nullptr;
    for (const auto& r : row->args)
      if (r.position == static_cast<int>(i)) arg = &r;
    if (!arg) {
      out.push_back(unsupported_step(
          stmt, ctx,
          row->symbol + ": positional argument " + std::to_string(i + 1) + " is not known"));
      ctx.vars[variable] = ScriptVar::Framework;
      return true;
    }
    m.args[arg->canonical] = setup_value(a.positional[i]);
  }
  for (const auto& r : row->args)
    if (!m.args.count(r.canonical) && r.default_value.set()) m.args[r.canonical] = r.default_value;
  if (m.display_name.empty()) m.display_name = variable;
  ScriptStep s = step_at(ScriptStep::Kind::MakeMetric, stmt);
  s.variable = variable;
  s.index = ctx.script->setup.metrics.size();
  ctx.script->setup.metrics.push_back(std::move(m));
  metric_objects_.insert(variable);
  ctx.vars[variable] = ScriptVar::Framework;
  out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::metric_reads_only(Node stmt, ScriptContext& ctx,
                                              std::vector<ScriptStep>& out) {
  // `train_acc = train_acc_metric.result()`, `print(f"{train_loss.result():.4f}")`: the migrated
  // metric objects keep Keras' result() (a 0-d tensor), so a statement whose only framework uses
  // are result() reads stays as written.
  if (metric_objects_.empty()) return false;
  bool reads = false;
  for (Node id : pytorch::find_all(stmt, [](Node n) { return n.is(Kind::Identifier); })) {
    const std::string name(id.text());
    Node parent = id.parent();
    // An attribute name (`x.result`) or keyword is not a use of a variable.
    if (parent.is(Kind::Attribute) && parent.field(Field::Attribute) == id) continue;
    if (parent.is(Kind::KeywordArgument) && parent.field(Field::Name) == id) continue;
    if (metric_objects_.count(name)) {
      Node call = parent.parent();
      if (!(parent.is(Kind::Attribute) && parent.field(Field::Attribute).text() == "result" &&
            call.is(Kind::Call) && pytorch::call_args(call).positional.empty()))
        return false;
      reads = true;
      continue;
    }
    if (framework_names_.count(name) || ctx.vars.count(name)) {
      auto it = ctx.vars.find(name);
      if (it == ctx.vars.end() || it->second != ScriptVar::History) return false;
    }
  }
  if (!reads) return false;
  out.push_back(verbatim_step(stmt));
  return true;
}

bool KerasScriptRecognizer::claim_model_losses(Node stmt, Node aug, ScriptContext& ctx,
                                               std::vector<ScriptStep>& out) {
  // `loss_value += sum(model.losses)` (or tf.add_n(model.losses)): the model's regularizers.
  Node left = aug.field(Field::Left);
  Node right = aug.field(Field::Right);
  if (!left || !right || !left.is(Kind::Identifier) || !right.is(Kind::Call) ||
      aug.field(Field::Operator).text() != "+=")
    return false;
  const std::string q = qualified(right.field(Field::Function), ctx);
  pytorch::ScriptArgs a = pytorch::call_args(right);
  if (!(right.field(Field::Function).text() == "sum" || q == "tensorflow.add_n") ||
      a.positional.size() != 1 || !a.keywords.empty())
    return false;
  Node losses = a.positional[0];
  auto it = ctx.vars.find(std::string(losses.field(Field::Object).text()));
  if (!losses.is(Kind::Attribute) || losses.field(Field::Attribute).text() != "losses" ||
      it == ctx.vars.end() || it->second != ScriptVar::Model)
    return false;
  ScriptStep s = step_at(ScriptStep::Kind::AddModelLosses, stmt);
  s.variable = std::string(left.text());
  out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::claim_gradient_tape(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  // `with tf.GradientTape() as tape:`: PyTorch records gradients without a context; the body's
  // steps take the with statement's place.
  Node clause = children_of_type(stmt, "with_clause").empty()
                    ? Node{}
                    : children_of_type(stmt, "with_clause")[0];
  if (!clause || !ctx.walk_body) return false;
  const auto items = children_of_type(clause, "with_item");
  if (items.size() != 1) return false;
  Node value = items[0].named_child(0);
  if (!value || value.type() != "as_pattern") return false;
  Node call = value.named_child(0);
  Node alias = value.named_child(value.named_child_count() - 1);
  if (!call || !call.is(Kind::Call) || !alias) return false;
  if (qualified(call.field(Field::Function), ctx) != "tensorflow.GradientTape") return false;
  Node name = alias.is(Kind::Identifier) ? alias : alias.named_child(0);
  if (!name || !name.is(Kind::Identifier)) return false;
  if (pytorch::call_args(call).positional.size() || pytorch::call_args(call).keywords.size()) {
    out.push_back(unsupported_step(
        stmt, ctx, "a GradientTape with arguments (persistent, watch_accessed_variables)"));
    return true;
  }
  tapes_.insert(std::string(name.text()));
  ctx.vars[std::string(name.text())] = ScriptVar::Framework;
  const bool outer = in_gradient_tape_;
  in_gradient_tape_ = true;
  auto body = read_gradient_step(stmt.field(Field::Body), ctx);
  in_gradient_tape_ = outer;
  for (auto& s : body) out.push_back(std::move(s));
  return true;
}

bool KerasScriptRecognizer::claim_dataset_loop(Node stmt, ScriptContext& ctx,
                                               std::vector<ScriptStep>& out) {
  // `for x, y in train_dataset:` / `for step, (x, y) in enumerate(train_dataset):` over a
  // pipeline the script made: the migrated pipeline is a DataLoader of the same name, which
  // yields (inputs, targets) batches the same way.
  Node iterable = stmt.field(Field::Right);
  Node body = stmt.field(Field::Body);
  if (!iterable || !body || !ctx.walk_body) return false;
  for (Node c : stmt.children())
    if (c.is(Kind::ElseClause)) return false;
  Node data = iterable;
  if (data.is(Kind::Call) && data.field(Field::Function).text() == "enumerate") {
    pytorch::ScriptArgs a = pytorch::call_args(data);
    if (a.positional.empty() || a.positional.size() > 2 || a.splat) return false;
    if (a.positional.size() == 2 && touches_framework(a.positional[1], ctx)) return false;
    data = a.positional[0];
  }
  auto it = dataset_vars_.find(std::string(data.text()));
  if (!data.is(Kind::Identifier) || it == dataset_vars_.end()) return false;
  const auto& d = ctx.script->setup.datasets.at(it->second);
  if (d.kind != "arrays" && d.kind != "image_folder") return false;
  if (touches_framework(stmt.field(Field::Left), ctx)) return false;
  ScriptStep block;
  block.kind = ScriptStep::Kind::Block;
  block.location = stmt.location();
  ++custom_depth_;
  block.clauses.push_back({definition_header(stmt, body), read_gradient_step(body, ctx)});
  --custom_depth_;
  out.push_back(std::move(block));
  return true;
}

bool KerasScriptRecognizer::claim_step_function(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  // `@tf.function def train_step(x, y):`: the function stays, compiled or not (PyTorch runs it
  // eagerly: the decorator is dropped and noted). Undecorated, a function with a GradientTape.
  Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
  if (!def || !def.is(Kind::FunctionDefinition) || !ctx.walk_body || !def.field(Field::Body))
    return false;
  const auto decorators = children_of_type(stmt, "decorator");
  if (decorators.empty()) {
    if (def.field(Field::Body).text().find("GradientTape(") == std::string_view::npos) return false;
  } else if (decorators.size() != 1) {
    return false;
  }
  Node d = decorators.empty() ? Node{} : decorators[0].named_child(0);
  if (d && d.is(Kind::Call)) {
    // @tf.function(jit_compile=True, reduce_retracing=True): compilation options only.
    for (const auto& [k, v] : pytorch::call_args(d).keywords)
      if (k != "jit_compile" && k != "reduce_retracing" && k != "experimental_relax_shapes")
        return false;
    if (!pytorch::call_args(d).positional.empty()) return false;
    d = d.field(Field::Function);
  }
  if (!decorators.empty() && (!d || qualified(d, ctx) != "tensorflow.function")) return false;
  Node body = def.field(Field::Body);
  pivot::CustomStep info;
  info.function = std::string(def.field(Field::Name).text());
  info.compiled = !decorators.empty();
  info.location = stmt.location();
  if (info.compiled)
    out.push_back(dropped_step(decorators[0], ctx,
                               "@tf.function compiles '" + info.function +
                                   "' into a TensorFlow graph; PyTorch runs it eagerly"));
  const auto saved_tapes = tapes_;
  ScriptStep block;
  block.kind = ScriptStep::Kind::Block;
  block.location = stmt.location();
  ++custom_depth_;
  block.clauses.push_back({definition_header(def, body), read_gradient_step(body, ctx)});
  --custom_depth_;
  tapes_ = saved_tapes;
  for (const auto& s : block.clauses[0].body)
    info.training = info.training || s.kind == ScriptStep::Kind::ApplyGradients;
  ctx.script->custom_steps.push_back(std::move(info));
  out.push_back(std::move(block));
  return true;
}

}  // namespace nnport::readers::keras
