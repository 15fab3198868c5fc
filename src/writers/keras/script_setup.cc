// Keras spellings of optimisers, losses, metrics and schedules (see script_setup.h).
#include "writers/keras/script_setup.h"

#include <cctype>
#include <string_view>

#include "frameworks/training_table.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::keras {
namespace {

using pivot::SetupValue;
using K = SetupValue::Kind;

std::optional<double> numeric(const SetupValue& v) {
  if (v.kind == K::Int) return static_cast<double>(v.i);
  if (v.kind == K::Float) return v.f;
  if (v.kind == K::Bool) return v.b ? 1.0 : 0.0;
  return std::nullopt;
}

bool same_value(const SetupValue& a, const SetupValue& b) {
  if (auto x = numeric(a), y = numeric(b); x && y) return *x == *y;
  if (a.kind == K::String && b.kind == K::String) return a.text == b.text;
  return false;
}

bool is_zero(const SetupValue& v) {
  auto x = numeric(v);
  return x && *x == 0;
}

std::string class_name(const std::string& symbol, const std::string& keras) {
  // "keras.optimizers.Adam" -> "<keras>.optimizers.Adam"
  return keras + symbol.substr(symbol.find('.'));
}

// `learning_rate=0.001, epsilon=1e-08`: the row's arguments whose value differs from Keras'
// default (learning_rate always: it is the one people look for).
std::string spell_args(const frameworks::SetupRow& row, const pivot::SetupArgs& args,
                       std::vector<std::string>& problems) {
  std::string out;
  for (const auto& a : row.args) {
    auto it = args.find(a.canonical);
    if (it == args.end() || !it->second.set()) continue;
    if (a.spelled.empty()) {  // the catalog knows it, this Keras class does not take it
      if (!same_value(it->second, a.default_value))
        problems.push_back(a.canonical + "=" + setup_literal(it->second) +
                           " has no Keras counterpart");
      continue;
    }
    if (a.canonical != "learning_rate" && a.default_value.set() &&
        same_value(it->second, a.default_value))
      continue;
    out += (out.empty() ? "" : ", ") + a.spelled + "=" + setup_literal(it->second);
  }
  // Canonical values this row does not list (PyTorch-only hyper-parameters): exact only at 0.
  for (const auto& [name, value] : args) {
    if (row.find_canonical(name) || name == "reduction" || name == "monitor") continue;
    if (!is_zero(value))
      problems.push_back(name + "=" + setup_literal(value) + " has no Keras counterpart");
  }
  return out;
}

const frameworks::SetupRow* loss_row(const pivot::Loss& loss) {
  for (const auto& r : frameworks::keras::training_rows()) {
    if (r.family != pivot::SetupFamily::Loss || r.kind != loss.kind || r.read_only) continue;
    auto lf = r.implied.find("label_form");
    if (lf == r.implied.end() || lf->second == loss.label_form || loss.kind != "cross_entropy")
      return &r;
  }
  return nullptr;
}

}  // namespace

std::string setup_literal(const SetupValue& v) {
  switch (v.kind) {
    case K::Unset: return "None";
    case K::Bool: return v.b ? "True" : "False";
    case K::Int: return std::to_string(v.i);
    case K::Float: return python_float(v.f);
    case K::String: return python_string(v.text);
    case K::Expr: return v.text;
    case K::List: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i)
        out += (i ? ", " : "") + setup_literal(v.items[i]);
      return out + "]";
    }
  }
  return "None";
}

std::string python_operand(const std::string& text) {
  if (!text.empty() && text[0] == '-') return "(" + text + ")";
  // The exponent sign of a number literal (1e-05) is not an operator.
  auto exponent_sign = [&](size_t i) {
    if (i < 2 || (text[i - 1] != 'e' && text[i - 1] != 'E')) return false;
    size_t start = i - 1;
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(text[start - 1])) ||
                         text[start - 1] == '.' || text[start - 1] == '_'))
      --start;
    return std::isdigit(static_cast<unsigned char>(text[start])) != 0;
  };
  // An operator or a space outside brackets and strings makes the text more than one atom
  // (a name, a call, an attribute, a subscript, a literal).
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == ')' || c == ']' || c == '}') {
      --depth;
    } else if (depth == 0 &&
               std::string_view(" +-*/%@<>=!&|^~").find(c) != std::string_view::npos &&
               !((c == '-' || c == '+') && exponent_sign(i))) {
      return "(" + text + ")";
    }
  }
  return text;
}

std::string setup_operand(const SetupValue& v) { return python_operand(setup_literal(v)); }

SetupSpelling spell_optimizer(const pivot::Optimizer& opt, const std::string& keras,
                              DiagnosticEngine& diags) {
  SetupSpelling s;
  const auto& rows = frameworks::keras::training_rows();
  const frameworks::SetupRow* row =
      frameworks::find_row_for_kind(rows, pivot::SetupFamily::Optimizer, opt.kind);
  if (!row) {
    s.problems.push_back("the optimiser '" + opt.kind + "' has no Keras class");
    return s;
  }
  pivot::SetupArgs hyper = opt.args;
  // RMSprop/Adagrad divide by sqrt(v) + eps in PyTorch and by sqrt(v + eps) in Keras: eps^2
  // inside the root reproduces PyTorch's denominator up to (sqrt(2) - 2) * eps where
  // sqrt(v) ~ eps, where eps itself inside would floor it at sqrt(eps).
  if (auto e = hyper.find("epsilon"); e != hyper.end() &&
                                      (opt.kind == "rmsprop" || opt.kind == "adagrad") &&
                                      e->second.kind == K::Float) {
    const double eps = e->second.f;
    e->second.f = tidy_float(eps * eps);
    diags.note(Code::TrainingConvention, opt.location)
        << opt.kind << ": PyTorch adds eps=" << python_float(eps)
        << " outside the square root, Keras inside: epsilon=" << python_float(tidy_float(eps * eps))
        << " (eps squared) is written";
  }
  std::string args = spell_args(*row, hyper, s.problems);
  auto add = [&](const std::string& a) { args += (args.empty() ? "" : ", ") + a; };
  switch (opt.decay) {
    case pivot::Optimizer::Decay::None: break;
    case pivot::Optimizer::Decay::Decoupled:
      // torch AdamW: p -= lr * wd * p; Keras AdamW/weight_decay: the same decoupled update.
      add("weight_decay=" + setup_literal(opt.weight_decay));
      break;
    case pivot::Optimizer::Decay::Coupled:
      // Coupled decay adds wd * w to the gradient (an L2 loss term wd/2 * |w|^2); Keras'
      // weight_decay is decoupled (w -= lr * wd * w): written as an L2 penalty of every weight
      // where the model is compiled (script_steps.cc).
      break;
  }
  switch (opt.clip) {
    case pivot::Optimizer::Clip::None: break;
    case pivot::Optimizer::Clip::GlobalNorm:
      add("global_clipnorm=" + setup_literal(opt.clip_value));
      break;
    case pivot::Optimizer::Clip::PerTensorNorm:
      add("clipnorm=" + setup_literal(opt.clip_value));
      break;
    case pivot::Optimizer::Clip::Value: add("clipvalue=" + setup_literal(opt.clip_value)); break;
  }
  s.text = class_name(row->symbol, keras) + "(" + args + ")";
  return s;
}

bool smooths_class_indices(const pivot::Loss& loss) {
  auto ls = loss.args.find("label_smoothing");
  return loss.kind == "cross_entropy" && loss.label_form == "index" && ls != loss.args.end() &&
         !is_zero(ls->second);
}

SetupSpelling spell_loss(const pivot::Loss& loss, const std::string& keras,
                         DiagnosticEngine& diags) {
  SetupSpelling s;
  pivot::Loss l = loss;
  if (smooths_class_indices(l)) {
    // torch: (1 - e) * onehot + e / C; Keras CategoricalCrossentropy: y * (1 - e) + e / C.
    l.label_form = "one_hot";
    diags.note(Code::TrainingConvention, loss.location)
        << "label_smoothing on class indices: CategoricalCrossentropy(label_smoothing=...) on "
           "one-hot labels (SparseCategoricalCrossentropy has no label_smoothing; the smoothed "
           "targets are the same)";
  }
  // NLLLoss on log-probabilities = cross-entropy on them as logits (log_softmax is idempotent).
  if (l.kind == "nll") {
    l.kind = "cross_entropy";
    l.input_form = "logits";
    diags.note(Code::TrainingConvention, loss.location)
        << "NLLLoss on log-probabilities is written as sparse categorical cross-entropy with "
           "from_logits=True "
           "(log_softmax of log-probabilities leaves them unchanged)";
  }
  const frameworks::SetupRow* row = loss_row(l);
  if (!row) {
    s.problems.push_back("the loss '" + loss.kind + "' has no Keras class");
    return s;
  }
  pivot::SetupArgs args = l.args;
  bool sum = false;
  if (auto r = args.find("reduction"); r != args.end()) {
    sum = r->second.kind == K::String && r->second.text == "sum";
    // Keras 3 reduction="sum" sums the per-sample losses (each the mean over the last axis):
    // torch's sum over every element for a loss per class-index sample only.
    const bool per_sample = l.kind == "cross_entropy" && l.label_form == "index";
    const bool elementwise = (l.kind == "mse" || l.kind == "mae") && keras == "keras";
    if (sum && elementwise) {
      // The sum over every element as the loss itself: Keras returns a scalar loss unreduced.
      s.text = "lambda y_true, y_pred: keras.ops.sum(keras.ops." +
               std::string(l.kind == "mse" ? "square" : "abs") + "(y_pred - y_true))";
      diags.note(Code::TrainingConvention, loss.location)
          << "reduction='sum': the sum over every element written as a function (Keras' "
             "reduction=\"sum\" would sum per-sample means over the last axis)";
      return s;
    }
    if (!(r->second.kind == K::String && r->second.text == "mean") && !(sum && per_sample))
      s.problems.push_back("reduction=" + setup_literal(r->second) + " sums differently in Keras");
    args.erase(r);
  }
  if (auto ls = args.find("label_smoothing");
      ls != args.end() && !row->find_canonical("label_smoothing")) {
    if (!is_zero(ls->second))
      s.problems.push_back(
          "label_smoothing with class-index labels has no Keras counterpart (one-hot labels and "
          "CategoricalCrossentropy(label_smoothing=...) have)");
    args.erase(ls);
  }
  std::string text = spell_args(*row, args, s.problems);
  auto implied = row->implied.find("input_form");
  if (implied != row->implied.end() && implied->second != l.input_form) {
    if (l.input_form == "logits")
      text = "from_logits=True" + std::string(text.empty() ? "" : ", ") + text;
    else
      s.problems.push_back("a loss on " + l.input_form + " has no Keras counterpart");
  }
  if (l.kind == "binary_cross_entropy" && l.input_form == "probabilities")
    diags.note(Code::TrainingConvention, loss.location)
        << "BCELoss: Keras clips probabilities to [1e-7, 1 - 1e-7], PyTorch clamps the log at -100";
  if (sum) text += std::string(text.empty() ? "" : ", ") + "reduction=\"sum\"";
  s.text = class_name(row->symbol, keras) + "(" + text + ")";
  return s;
}

SetupSpelling spell_metric(const pivot::Metric& metric, const std::string& keras) {
  SetupSpelling s;
  const frameworks::SetupRow* row = frameworks::find_row_for_kind(
      frameworks::keras::training_rows(), pivot::SetupFamily::Metric, metric.kind);
  if (!row) {
    s.problems.push_back("the metric '" + metric.kind + "' has no Keras class");
    return s;
  }
  std::string args =
      metric.display_name.empty() ? "" : "name=" + python_string(metric.display_name);
  std::vector<std::string> ignored;
  const std::string rest = spell_args(*row, metric.args, ignored);
  if (!rest.empty()) args += (args.empty() ? "" : ", ") + rest;
  s.text = class_name(row->symbol, keras) + "(" + args + ")";
  return s;
}

SetupSpelling spell_callback(const pivot::Callback& callback, const std::string& keras) {
  SetupSpelling s;
  const frameworks::SetupRow* row = frameworks::find_row_for_kind(
      frameworks::keras::training_rows(), pivot::SetupFamily::Callback, callback.kind);
  if (!row) {
    s.problems.push_back("the callback '" + callback.kind + "' has no Keras class");
    return s;
  }
  pivot::SetupArgs args = callback.args;
  std::string text;
  // The monitored value first, as people write it.
  if (auto m = args.find("monitor"); m != args.end()) {
    text = "monitor=" + setup_literal(m->second);
    args.erase(m);
  }
  if (auto p = args.find("filepath"); p != args.end()) {
    text = setup_literal(p->second) + (text.empty() ? "" : ", ") + text;
    args.erase(p);
  }
  const std::string rest = spell_args(*row, args, s.problems);
  if (!rest.empty()) text += (text.empty() ? "" : ", ") + rest;
  s.text = class_name(row->symbol, keras) + "(" + text + ")";
  return s;
}

SetupSpelling spell_schedule(const pivot::Schedule& sch, const SetupValue& base_lr,
                             const std::string& keras, DiagnosticEngine& diags) {
  SetupSpelling s;
  auto arg = [&](const std::string& name) {
    auto it = sch.args.find(name);
    return it == sch.args.end() ? std::string("None") : setup_operand(it->second);
  };
  auto literal = [&](const std::string& name) {
    auto it = sch.args.find(name);
    return it == sch.args.end() ? std::string("None") : setup_literal(it->second);
  };
  if (sch.unit != "epoch") {
    s.problems.push_back(
        "a schedule stepped every batch (Keras' LearningRateScheduler steps per epoch)");
    return s;
  }
  const std::string lr = base_lr.set() ? setup_operand(base_lr) : "0.001";
  std::string formula;
  // PyTorch schedules step after each epoch: epoch e (from 0) trains with the closed form at e.
  if (sch.kind == "step")
    formula = lr + " * " + arg("gamma") + " ** (epoch // " + arg("step_size") + ")";
  else if (sch.kind == "multistep")
    formula = lr + " * " + arg("gamma") + " ** sum(epoch >= m for m in " + arg("milestones") + ")";
  else if (sch.kind == "exponential")
    formula = lr + " * " + arg("gamma") + " ** epoch";
  else if (sch.kind == "lambda")
    formula = lr + " * (" + literal("lr_lambda") + ")(epoch)";
  else if (sch.kind == "linear")
    formula = lr + " * (" + arg("start_factor") + " + (" + arg("end_factor") + " - " +
              arg("start_factor") + ") * min(epoch, " + arg("total_iters") + ") / " +
              arg("total_iters") + ")";
  else if (sch.kind == "cosine") {
    formula = arg("eta_min") + " + (" + lr + " - " + arg("eta_min") +
              ") * (1 + math.cos(math.pi * epoch / " + arg("t_max") + ")) / 2";
    s.needs_math = true;
  } else if (sch.kind == "reduce_on_plateau") {
    const frameworks::SetupRow* row = frameworks::find_row_for_kind(
        frameworks::keras::training_rows(), pivot::SetupFamily::Schedule, sch.kind);
    if (!row) {
      s.problems.push_back("ReduceLROnPlateau has no Keras row");
      return s;
    }
    pivot::SetupArgs args = sch.args;
    std::string monitor = "val_loss";
    args.erase("monitor");
    std::vector<std::string> problems;
    std::string text = "monitor=" + python_string(monitor);
    const std::string rest = spell_args(*row, args, problems);
    for (const auto& p : problems) s.problems.push_back(p);
    s.text =
        keras + ".callbacks.ReduceLROnPlateau(" + text + (rest.empty() ? "" : ", " + rest) + ")";
    diags.warning(Code::TrainingConvention, sch.location)
        << "ReduceLROnPlateau: PyTorch's threshold is relative (1e-4 of the best value), Keras' "
           "min_delta absolute; "
           "the monitored value is Keras' val_loss";
    return s;
  } else {
    s.problems.push_back("the schedule '" + sch.kind + "' has no Keras spelling");
    return s;
  }
  s.text = keras + ".callbacks.LearningRateScheduler(lambda epoch, lr: " + formula + ")";
  return s;
}

}  // namespace nnport::writers::keras
