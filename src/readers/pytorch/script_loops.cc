// Batch-loop analysis of PyTorch training scripts (see script_loops.h).
#include "readers/pytorch/script_loops.h"

#include "frameworks/training_table.h"
#include "readers/pytorch/script_syntax.h"
#include "readers/script_walker.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

bool contains(const std::set<std::string>& s, const std::string& v) { return s.count(v) > 0; }

// `obj.method(...)` with obj one of `vars`.
bool is_method_on(Node expr, const std::set<std::string>& vars, const std::string& method) {
  if (!expr.is(Kind::Call)) return false;
  Node fn = expr.field(Field::Function);
  return fn.is(Kind::Attribute) && fn.field(Field::Attribute).text() == method &&
         contains(vars, std::string(fn.field(Field::Object).text()));
}

// A device move or dtype cast of batch tensors: `xb.to(device)`, `yb.float()`, `xb.cuda()`,
// or tuples of them, whose base names are in `batch`.
bool is_batch_move(Node rhs) {
  auto moved = [](Node e) {
    MethodChain chain = method_chain(e);
    if (chain.methods.empty() || !chain.base.is(Kind::Identifier)) return false;
    for (const auto& m : chain.methods)
      if (m != "to" && m != "cuda" && m != "cpu" && m != "float" && m != "long" && m != "double" &&
          m != "int")
        return false;
    return true;
  };
  if (rhs.is(Kind::ExpressionList) || rhs.is(Kind::Tuple)) {
    for (Node c : rhs.named_children())
      if (!moved(c)) return false;
    return true;
  }
  return moved(rhs);
}

// Does `expr` call the model (`model(xb)`, possibly followed by methods like `.squeeze(1)`)?
// A call of one of `callees` with `arity` positional arguments (a model takes the inputs, a
// loss the outputs and the labels; in a helper function both are parameters).
bool calls_with_arity(Node expr, const std::set<std::string>& callees, size_t arity) {
  return !find_all(expr, [&](Node n) {
            return n.is(Kind::Call) && n.field(Field::Function).is(Kind::Identifier) &&
                   contains(callees, std::string(n.field(Field::Function).text())) &&
                   call_args(n).positional.size() == arity;
          }).empty();
}

bool calls_model(Node expr, const std::set<std::string>& models) {
  return calls_with_arity(expr, models, 1);
}
bool calls_loss(Node expr, const std::set<std::string>& losses) {
  return calls_with_arity(expr, losses, 2);
}

// `yb.size(0)`, `len(yb)`, `xb.shape[0]`, `yb.numel()`, `inputs.size(0)`.
bool is_sample_count(Node e, const std::set<std::string>& batch) {
  const std::string t(e.text());
  for (const auto& b : batch)
    if (t == b + ".size(0)" || t == "len(" + b + ")" || t == b + ".shape[0]" ||
        t == b + ".numel()" || t == b + ".size()[0]")
      return true;
  return false;
}

// `xb.view(-1, n)`, `xb.reshape(xb.size(0), -1)`, `xb.flatten(1)`, `torch.flatten(xb, 1)` of a
// batch tensor that is not the labels: each sample flattened to one axis.
bool is_feature_flatten(Node r, const std::set<std::string>& batch,
                        const std::set<std::string>& labels) {
  auto is_features = [&](Node n) {
    return n && n.is(Kind::Identifier) && contains(batch, std::string(n.text())) &&
           !contains(labels, std::string(n.text()));
  };
  if (!r || !r.is(Kind::Call)) return false;
  ScriptArgs a = call_args(r);
  if (r.field(Field::Function).text() == "torch.flatten")
    return a.positional.size() == 2 && is_features(a.positional[0]) &&
           a.positional[1].text() == "1" && a.keywords.empty();
  MethodChain chain = method_chain(r);
  if (chain.methods.size() != 1 || !is_features(chain.base)) return false;
  const std::string& m = chain.methods[0];
  if (m == "flatten")
    return (a.positional.size() == 1 && a.positional[0].text() == "1" && a.keywords.empty()) ||
           (a.positional.empty() && a.keywords.size() == 1 && a.keywords.count("start_dim") &&
            a.keywords["start_dim"].text() == "1");
  if ((m != "view" && m != "reshape") || a.positional.size() != 2 || !a.keywords.empty())
    return false;
  const std::string first(a.positional[0].text()), second(a.positional[1].text());
  return (first == "-1" && second != "-1") ||
         (is_sample_count(a.positional[0], batch) && second == "-1");
}

bool mentions_sample_count(Node e, const std::set<std::string>& batch) {
  return !find_all(e, [&](Node n) { return is_sample_count(n, batch); }).empty();
}

bool is_comparison_with(Node e, const std::set<std::string>& labels) {
  for (Node eq : method_calls(e, "eq"))  // `pred.eq(yb)`
    for (const auto& l : names_used(eq))
      if (contains(labels, l)) return true;
  for (Node cmp : find_all(e, [](Node n) { return n.is(Kind::ComparisonOperator); })) {
    const std::string t(cmp.text());
    if (t.find("==") == std::string::npos) continue;
    for (const auto& l : names_used(cmp))
      if (contains(labels, l)) return true;
  }
  return false;
}

// A value a progress report computes to print: a zero (resetting a running sum), or arithmetic
// over names, `.item()` and len() calls; nothing that runs the model or changes state.
bool is_report_value(Node r) {
  if (!r) return false;
  for (Node c : find_all(r, [](Node n) { return n.is(Kind::Call); })) {
    Node fn = c.field(Field::Function);
    const std::string f(fn.text());
    const bool item = fn.is(Kind::Attribute) && fn.field(Field::Attribute).text() == "item" &&
                      call_args(c).positional.empty();
    // The clock read for an elapsed time it prints.
    const bool clock = f == "time.time" || f == "time.perf_counter" || f == "time.monotonic";
    if (!item && !clock && f != "len" && f != "float" && f != "int" && f != "round") return false;
  }
  return true;
}

}  // namespace

bool is_no_grad_with(Node stmt) {
  if (stmt.type() != "with_statement") return false;
  for (Node c : stmt.named_children()) {
    if (c.type() != "with_clause") continue;
    const std::string t(c.text());
    return t.find("no_grad()") != std::string::npos ||
           t.find("inference_mode(") != std::string::npos;
  }
  return false;
}

bool has_training_step(Node node, const LoopNames& names) {
  bool backward = !method_calls(node, "backward").empty();
  bool step = false;
  for (Node c : method_calls(node, "step"))
    step |= contains(names.optimizers,
                     std::string(c.field(Field::Function).field(Field::Object).text()));
  // Inside a helper the optimiser is a parameter: any `<x>.step()` next to backward() counts.
  if (!step && backward && !method_calls(node, "zero_grad").empty()) step = true;
  return backward && step;
}

std::optional<BatchLoop> analyze_batch_loop(Node loop, const LoopNames& names,
                                            const std::set<std::string>& loader_params) {
  if (!loop.is(Kind::ForStatement)) return std::nullopt;
  Node left = loop.field(Field::Left);
  Node right = loop.field(Field::Right);
  // `for xb, yb in loader`, `for i, (xb, yb) in enumerate(loader)`, `for xb, yb in tqdm(loader)`.
  Node iterated = right;
  if (right.is(Kind::Call) && right.field(Field::Function).is(Kind::Identifier)) {
    const std::string fn(right.field(Field::Function).text());
    ScriptArgs a = call_args(right);
    if ((fn == "enumerate" || fn == "tqdm" || fn == "iter") && !a.positional.empty())
      iterated = a.positional[0];
  }
  if (!iterated.is(Kind::Identifier)) return std::nullopt;
  const std::string loader(iterated.text());
  if (!contains(names.loaders, loader) && !contains(loader_params, loader)) return std::nullopt;
  std::vector<std::string> batch_names = target_names(left);
  std::set<std::string> batch(batch_names.begin(), batch_names.end());
  std::set<std::string> labels;
  if (!batch_names.empty()) labels.insert(batch_names.back());
  auto out =
      analyze_step_statements(loop, loop.field(Field::Body).named_children(), names, batch, labels);
  if (out) out->loader = loader;
  return out;
}

bool is_functional_loss_call(Node expr) {
  if (!expr || !expr.is(Kind::Call)) return false;
  Node fn = expr.field(Field::Function);
  if (!fn.is(Kind::Attribute)) return false;
  static const std::set<std::string> kNames = [] {
    std::set<std::string> out;
    const std::string prefix = "torch.nn.functional.";
    for (const auto& row : frameworks::pytorch::training_rows())
      if (row.symbol.rfind(prefix, 0) == 0) out.insert(row.symbol.substr(prefix.size()));
    return out;
  }();
  return kNames.count(std::string(fn.field(Field::Attribute).text())) > 0 &&
         call_args(expr).positional.size() >= 2;
}

std::optional<BatchLoop> analyze_step_statements(Node loop, const std::vector<Node>& stmts,
                                                 const LoopNames& names,
                                                 std::set<std::string> batch,
                                                 std::set<std::string> labels) {
  BatchLoop out;
  out.loop = loop;
  std::set<std::string> loss_tensors, outputs, predictions;
  bool backward = false, stepped = false;
  // A functional loss call under `r`, when the step has no loss object call there.
  auto functional_loss_in = [&](Node r) -> Node {
    if (!r || calls_loss(r, names.losses)) return {};
    auto calls = find_all(r, [](Node n) { return is_functional_loss_call(n); });
    return calls.empty() ? Node{} : calls[0];
  };
  auto note_loss_call = [&](Node r) {
    Node call = functional_loss_in(r);
    if (!call) {
      auto objects = find_all(r, [&](Node n) {
        return n.is(Kind::Call) && n.field(Field::Function).is(Kind::Identifier) &&
               contains(names.losses, std::string(n.field(Field::Function).text())) &&
               call_args(n).positional.size() == 2;
      });
      if (objects.empty()) return;
      call = objects[0];
    } else if (!out.functional_loss) {
      out.functional_loss = call;
    }
    if (!out.loss_target) out.loss_target = call_args(call).positional[1];
  };
  for (Node stmt : stmts) {
    if (stmt.is(Kind::Comment)) continue;
    // `if i % 10 == 0: print(...)`: a progress report, what fit's progress output shows. It may
    // compute what it prints (`loss, current = loss.item(), (batch + 1) * len(X)`) and reset the
    // running sums it printed (`running_loss = 0.0`).
    if (stmt.is(Kind::IfStatement) && !stmt.field(Field::Alternative)) {
      bool reports = true;
      std::vector<Node> breaks;
      for (Node inner : stmt.field(Field::Consequence).named_children()) {
        // `if args.dry_run: break`: a flag ending the epoch early, reported by the recogniser.
        if (inner.is(Kind::IfStatement) && !inner.field(Field::Alternative)) {
          auto body = inner.field(Field::Consequence).named_children();
          if (body.size() == 1 && body[0].type() == "break_statement") {
            breaks.push_back(inner);
            continue;
          }
        }
        Node ie = expression_of(inner);
        const std::string fn =
            ie && ie.is(Kind::Call) ? std::string(ie.field(Field::Function).text()) : "";
        reports &= inner.is(Kind::Comment) || fn == "print" || fn.rfind("logging.", 0) == 0 ||
                   fn.rfind("logger.", 0) == 0 || fn.rfind("log.", 0) == 0 ||
                   (ie && ie.is(Kind::Assignment) && is_report_value(ie.field(Field::Right)));
      }
      if (reports) {
        out.progress_reports.push_back(stmt);
        out.early_breaks.insert(out.early_breaks.end(), breaks.begin(), breaks.end());
        continue;
      }
    }
    // `if args.dry_run: break` outside a report.
    if (stmt.is(Kind::IfStatement) && !stmt.field(Field::Alternative)) {
      auto body = stmt.field(Field::Consequence).named_children();
      if (body.size() == 1 && body[0].type() == "break_statement") {
        out.early_breaks.push_back(stmt);
        continue;
      }
    }
    Node e = expression_of(stmt);
    // A plain `print(...)` of values the step computed: logging, as a report.
    if (e && e.is(Kind::Call) && e.field(Field::Function).text() == "print" &&
        is_report_value(e.field(Field::Arguments))) {
      out.progress_reports.push_back(stmt);
      continue;
    }
    if (e && e.is(Kind::Assignment)) {
      Node l = e.field(Field::Left);
      Node r = e.field(Field::Right);
      auto targets = target_names(l);
      for (const auto& t : targets) out.locals.insert(t);
      if (r && is_batch_move(r)) {
        for (const auto& t : targets) batch.insert(t);
        continue;
      }
      if (targets.size() == 1 && is_feature_flatten(r, batch, labels)) {
        batch.insert(targets[0]);
        out.feature_flattens.push_back(stmt);
        out.unknown.push_back(stmt);
        continue;
      }
      // `inputs, labels = data`: the batch unpacked inside the loop; the last one is the labels.
      if (r && r.is(Kind::Identifier) && contains(batch, std::string(r.text())) &&
          targets.size() >= 2) {
        for (const auto& t : targets) batch.insert(t);
        labels = {targets.back()};
        continue;
      }
      if (r && (calls_loss(r, names.losses) || functional_loss_in(r))) {
        note_loss_call(r);
        for (const auto& t : targets) loss_tensors.insert(t);
        for (const auto& t : targets) out.loss_tensors.insert(t);
        continue;
      }
      if (r && calls_model(r, names.models)) {
        if (!out.model_input) {
          for (Node c : find_all(r, [&](Node n) {
                 return n.is(Kind::Call) && n.field(Field::Function).is(Kind::Identifier) &&
                        contains(names.models, std::string(n.field(Field::Function).text())) &&
                        call_args(n).positional.size() == 1;
               })) {
            out.model_input = call_args(c).positional[0];
            break;
          }
        }
        for (const auto& t : targets) outputs.insert(t);
        continue;
      }
      // Predictions derived from the outputs: `preds = out.argmax(1)`, `_, pred = torch.max(out,
      // 1)`.
      bool from_outputs = false;
      for (const auto& n : names_used(r))
        from_outputs |= contains(outputs, n) || contains(predictions, n);
      if (r && from_outputs && !calls_model(r, names.models)) {
        for (const auto& t : targets) predictions.insert(t);
        continue;
      }
      out.unknown.push_back(stmt);
      continue;
    }
    if (e && e.is(Kind::AugmentedAssignment)) {
      Node l = e.field(Field::Left);
      Node r = e.field(Field::Right);
      const std::string var(l.text());
      std::set<std::string> used = names_used(r);
      bool uses_loss = false;
      for (const auto& n : used) uses_loss |= contains(loss_tensors, n);
      uses_loss |= calls_loss(r, names.losses);  // `total += criterion(out, yb).item()`
      // `test_loss += F.nll_loss(output, target, reduction='sum').item()`: per-sample losses
      // summed.
      bool summed = false;
      if (Node f = functional_loss_in(r)) {
        uses_loss = true;
        ScriptArgs fa = call_args(f);
        if (auto red = fa.keywords.find("reduction"); red != fa.keywords.end()) {
          const std::string t(red->second.text());
          if (t != "'sum'" && t != "\"sum\"" && t != "'mean'" && t != "\"mean\"") {
            out.unknown.push_back(stmt);
            continue;
          }
          summed = t == "'sum'" || t == "\"sum\"";
        }
      }
      std::string quantity;
      if (uses_loss)
        quantity = summed || mentions_sample_count(r, batch) ? "loss_sum" : "loss_batch_sum";
      else if (is_comparison_with(r, labels)) {
        quantity = "metric_count:accuracy";
        out.accuracy = true;
      } else if (is_sample_count(r, batch))
        quantity = "sample_count";
      else if (r.text() == "1")
        quantity = "batch_count";
      if (!l.is(Kind::Identifier) || quantity.empty() || e.child(1).type() != "+=") {
        out.unknown.push_back(stmt);
        continue;
      }
      out.accumulators.push_back({var, quantity});
      continue;
    }
    if (e && e.is(Kind::Call)) {
      if (is_method_on(e, names.optimizers, "zero_grad") ||
          is_method_on(e, names.models, "zero_grad"))
        continue;
      if (is_method_on(e, names.optimizers, "step")) {
        stepped = true;
        continue;
      }
      if (is_method_on(e, names.schedules, "step")) {
        out.batch_schedules.push_back(
            std::string(e.field(Field::Function).field(Field::Object).text()));
        continue;
      }
      if (is_method_on(e, loss_tensors, "backward")) {
        backward = true;
        continue;
      }
      const std::string fn(e.field(Field::Function).text());
      if (fn.size() >= 15 && fn.compare(fn.size() - 15, 15, "clip_grad_norm_") == 0) {
        ScriptArgs a = call_args(e);
        Node norm = a.keywords.count("max_norm") ? a.keywords["max_norm"]
                    : a.positional.size() > 1    ? a.positional[1]
                                                 : Node{};
        if (!norm || a.keywords.count("norm_type") || a.positional.size() > 2 ||
            a.positional.empty() ||
            a.positional[0].text().find(".parameters()") == std::string::npos) {
          out.unknown.push_back(stmt);
          continue;
        }
        out.clip = true;
        out.clip_norm = setup_value(norm);
        continue;
      }
      if (fn.size() >= 16 && fn.compare(fn.size() - 16, 16, "clip_grad_value_") == 0) {
        ScriptArgs a = call_args(e);
        Node v = a.keywords.count("clip_value") ? a.keywords["clip_value"]
                 : a.positional.size() > 1      ? a.positional[1]
                                                : Node{};
        if (!v) {
          out.unknown.push_back(stmt);
          continue;
        }
        out.clip = true;
        out.clip_by_value = true;
        out.clip_norm = setup_value(v);
        continue;
      }
    }
    out.unknown.push_back(stmt);
  }
  out.trains = backward && stepped;
  if (!out.trains && (backward || stepped)) return std::nullopt;  // half a training step: not ours
  if (!out.trains && outputs.empty() && loss_tensors.empty() && out.accumulators.empty())
    return std::nullopt;
  return out;
}

}  // namespace nnport::readers::pytorch
