// PyTorch spelling of training-script steps (see script_steps.h). Keras' training conventions
// are written out (conventions rows 21-23): optimiser hyper-parameters whose defaults differ,
// losses on probabilities as NLLLoss(log(clamp(p, 1e-7, 1 - 1e-7))) / BCELoss on clamped
// probabilities, "accuracy" as resolved by the reader, batch_size 32, shuffling each epoch,
// validation_split taking the LAST fraction before shuffling, metrics averaged over the epoch's
// samples, callbacks as plain code in the loop.
#include "writers/pytorch/script_steps.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

#include <fmt/format.h>

#include "frameworks/training_table.h"
#include "pivot/momentum_schedule.h"
#include "writers/pytorch/builtin_datasets.h"
#include "writers/pytorch/custom_steps.h"
#include "writers/pytorch/keras_schedules.h"
#include "writers/pytorch/model_ports.h"
#include "writers/pytorch/normalization_layer.h"
#include "writers/pytorch/script_functions.h"
#include "writers/pytorch/weight_penalty.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::ScriptStep;
using pivot::SetupValue;

std::string float_text(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string s(buf);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string py(const SetupValue& v) {
  using K = SetupValue::Kind;
  switch (v.kind) {
    case K::Bool: return v.b ? "True" : "False";
    case K::Int: return std::to_string(v.i);
    case K::Float: return float_text(v.f);
    case K::String: return quoted(v.text);
    case K::Expr: return v.text;
    case K::List: {
      std::string s = "[";
      for (size_t i = 0; i < v.items.size(); ++i) s += (i ? ", " : "") + py(v.items[i]);
      return s + "]";
    }
    case K::Unset: return "None";
  }
  return "None";
}

bool same_value(const SetupValue& a, const SetupValue& b) {
  using K = SetupValue::Kind;
  auto number = [](const SetupValue& v, double& out) {
    if (v.kind == K::Int)
      out = static_cast<double>(v.i);
    else if (v.kind == K::Float)
      out = v.f;
    else
      return false;
    return true;
  };
  double x = 0, y = 0;
  if (number(a, x) && number(b, y)) return x == y;
  if (a.kind != b.kind) return false;
  if (a.kind == K::Bool) return a.b == b.b;
  return a.text == b.text;
}

// `(expr)` unless it is a plain name or call.
std::string operand(const std::string& expr) {
  for (char c : expr)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'))
      return "(" + expr + ")";
  return expr;
}

class Renderer : public StepRenderer {
 public:
  Renderer(const pivot::Script& script, std::string entry, const pivot::Graph& graph,
           DiagnosticEngine& diags)
      : entry_(std::move(entry)), diags_(diags) {
    per_output_losses_ = script.setup.output_losses.size() > 1;
    penalty_ = has_weight_penalty(graph);
    if (!graph.inputs.empty()) {
      const auto& port = graph.inputs[0];
      bool identity = true;
      for (size_t i = 0; i < port.source_to_target_perm.size(); ++i)
        identity = identity && port.source_to_target_perm[i] == static_cast<int64_t>(i);
      if (!identity) {
        permute_ = ".permute(";
        for (size_t i = 0; i < port.source_to_target_perm.size(); ++i)
          permute_ += (i ? ", " : "") + std::to_string(port.source_to_target_perm[i]);
        permute_ += ")";
      }
      integer_input_ = !pivot::is_floating(graph.values[port.value].type.dtype);
      multiple_inputs_ = graph.inputs.size() > 1;
      inputs_ = model_inputs(graph);
      output_back_ = output_to_source(graph);
      multiple_outputs_ = graph.outputs.size() > 1;
      // Keras' Softmax() takes the last axis of the (source-layout) output.
      if (graph.outputs.size() == 1) {
        const auto& perm = graph.outputs[0].source_to_target_perm;
        const auto rank =
            static_cast<int64_t>(graph.values[graph.outputs[0].value].type.shape.size());
        softmax_dim_ = rank > 0 ? static_cast<int>(rank - 1) : -1;
        for (size_t i = 0; i < perm.size(); ++i)
          if (perm[i] == rank - 1) softmax_dim_ = static_cast<int>(i);
      }
    }
    for (const auto& node : graph.nodes)
      if (node.kind == pivot::OpKind::Lstm || node.kind == pivot::OpKind::Rnn)
        single_bias_rnn_ = true;
  }

  std::vector<std::string> render(const ScriptStep& step, const pivot::Script& script) override {
    using K = ScriptStep::Kind;
    if (!step.variable.empty() &&
        (step.kind == K::Compile || step.kind == K::Train || step.kind == K::Evaluate))
      return bound_to_parameter(step, script);
    switch (step.kind) {
      case K::BuildModel: {
        model_ = step.variable;
        // A new model (the variable bound again, a builder called again) trains with an
        // optimizer of its own: the next compile() makes it.
        optimizer_written_ = false;
        std::vector<std::string> out = {step.variable + " = " +
                                        (step.model.empty() ? entry_ : step.model) + "()"};
        if (single_bias_rnn_) {
          out.push_back(
              "# Keras' LSTM/SimpleRNN have ONE bias (converted into bias_ih, bias_hh = 0): "
              "bias_hh stays");
          out.push_back("# zero and untrained, so that training updates one bias as Keras does.");
          out.push_back("for module in " + step.variable + ".modules():");
          out.push_back("    if isinstance(module, (nn.LSTM, nn.RNN)):");
          out.push_back("        for name, parameter in module.named_parameters():");
          out.push_back("            if name.startswith(\"bias_hh\"):");
          out.push_back("                parameter.requires_grad_(False)");
          imports_.insert("nn");
        }
        return out;
      }
      case K::MakeOptimizer: return optimizer_lines(script, step.variable);
      case K::MakeLoss: return loss_object_lines(script, step.variable);
      case K::Compile: return compile_lines(script);
      case K::MakeData: return data_lines(script.setup.datasets.at(step.index));
      case K::Train: return train_lines(script, script.fits.at(step.index));
      case K::Evaluate: return evaluate_lines(script, script.evaluations.at(step.index));
      case K::Predict: return predict_lines(step);
      case K::WrapModel:
        imports_.insert("nn");
        return {"# The trained model followed by a softmax over the classes, for prediction.",
                step.variable + " = nn.Sequential(" + step.text +
                    ", nn.Softmax(dim=" + std::to_string(softmax_dim_) + "))"};
      case K::Adapt: return adapt_lines(model(), step.variable, step.text);
      case K::Function: {
        auto out = script_function_lines(script.functions.at(step.index), partial_);
        out.push_back("");
        out.push_back("");
        return out;
      }
      case K::Forward:
      case K::LossCall:
      case K::AddModelLosses:
      case K::Gradients:
      case K::ApplyGradients:
      case K::MakeMetric:
      case K::MetricUpdate:
      case K::MetricReset: return custom_step_lines(step, script);
      case K::SaveWeights: return {"torch.save(" + model() + ".state_dict(), " + step.text + ")"};
      case K::LoadWeights: return {model() + ".load_state_dict(torch.load(" + step.text + "))"};
      case K::Seed:
        if (step.variable == "framework")
          return {"# tf.random.set_seed seeds the framework's generator only.",
                  "torch.manual_seed(" + step.text + ")"};
        imports_.insert("import random");
        imports_.insert("import numpy as np");
        return {"# keras.utils.set_random_seed seeds Python, NumPy and the framework.",
                "random.seed(" + step.text + ")", "np.random.seed(" + step.text + ")",
                "torch.manual_seed(" + step.text + ")"};
      default: break;
    }
    partial_ = true;
    return {"# TODO(nnport): this training step has no PyTorch spelling yet:", "# " + step.text};
  }

  std::vector<std::string> imports() const override {
    std::vector<std::string> out;
    for (const char* fixed :
         {"import json", "import math", "import numpy as np", "import os", "import copy",
          "import random", "from types import SimpleNamespace", "from PIL import Image"})
      if (imports_.count(fixed)) out.push_back(fixed);
    out.push_back("import torch");
    if (imports_.count("nn")) out.push_back("import torch.nn as nn");
    if (imports_.count("F")) out.push_back("import torch.nn.functional as F");
    if (imports_.count("data"))
      out.push_back("from torch.utils.data import DataLoader, TensorDataset");
    return out;
  }

  bool partial() const override { return partial_; }

 private:
  std::string model() const { return model_.empty() ? "model" : model_; }
  // The targets of a batch: one tensor, or one per output (`for inputs, *targets in loader`).
  std::string batch_targets() const { return per_output_losses_ ? "*targets" : "targets"; }

  // A custom training step (Keras GradientTape code): the model in train/eval mode, the loss
  // object called as Keras calls it, zero_grad + backward where the tape computes gradients,
  // step where the optimizer applies them, metric objects as RunningMetric accumulators.
  std::vector<std::string> custom_step_lines(const ScriptStep& step, const pivot::Script& script) {
    using K = ScriptStep::Kind;
    const std::string opt = !optimizer_var_.empty() ? optimizer_var_
                            : script.setup.optimizer && !script.setup.optimizer->variable.empty()
                                ? script.setup.optimizer->variable
                                : "optimizer";
    switch (step.kind) {
      case K::Forward:
        if (step.training)
          return {model() + ".train()", step.variable + " = " + model() + "(" + step.text + ")"};
        if (step.gradients)
          return {model() + ".eval()", step.variable + " = " + model() + "(" + step.text + ")"};
        return {model() + ".eval()", "with torch.no_grad():",
                "    " + step.variable + " = " + model() + "(" + step.text + ")"};
      case K::LossCall: {
        const std::string fn = script.setup.loss ? script.setup.loss->variable : "loss_fn";
        return {step.variable + " = " + fn + "(" + step.args.at(0) + ", " + step.args.at(1) + ")"};
      }
      case K::AddModelLosses:
        if (penalty_)
          return {"# sum(model.losses): the Keras weight regularizers' penalty.",
                  step.variable + " = " + step.variable + penalty_term()};
        return {"# sum(model.losses) is 0 here: the model has no weight regularizers."};
      case K::Gradients: return {opt + ".zero_grad()", step.text + ".backward()"};
      case K::ApplyGradients: return {opt + ".step()"};
      case K::MakeMetric: {
        if (step.index >= script.setup.metrics.size()) break;
        const auto& m = script.setup.metrics[step.index];
        std::string threshold = "0.5";
        if (auto it = m.args.find("threshold"); it != m.args.end()) threshold = py(it->second);
        const std::string line = metric_object_line(m, threshold);
        if (line.empty()) {
          partial_ = true;
          diags_.error(Code::ScriptUnsupported, m.location)
              << "metric object '" << m.variable << "' (" << m.kind
              << ") has no PyTorch spelling yet";
          return {"# TODO(nnport): metric '" + m.kind + "' has no PyTorch spelling yet",
                  "# " + step.text};
        }
        std::vector<std::string> out;
        if (!metric_class_written_) out = running_metric_class();
        metric_class_written_ = true;
        out.push_back(line);
        return out;
      }
      case K::MetricUpdate: {
        std::string args;
        for (const auto& a : step.args) args += (args.empty() ? "" : ", ") + a;
        return {step.variable + ".update_state(" + args + ")"};
      }
      case K::MetricReset: return {step.variable + ".reset_state()"};
      default: break;
    }
    partial_ = true;
    return {"# TODO(nnport): this training step has no PyTorch spelling yet:", "# " + step.text};
  }

  // What the rendered steps defined so far, in the module or in a helper function.
  struct Written {
    bool optimizer = false;
    bool loader_helper = false;
    std::string optimizer_var;
    std::string model;
  };
  Written exchange_written(Written with) {
    Written old{optimizer_written_, loader_helper_written_, optimizer_var_, model_};
    optimizer_written_ = with.optimizer;
    loader_helper_written_ = with.loader_helper;
    optimizer_var_ = std::move(with.optimizer_var);
    model_ = std::move(with.model);
    return old;
  }

  // A helper function's compile/fit/evaluate of the model passed in (step.variable): the loop is
  // the module's, with `model` bound to the parameter. What its steps define (optimizer,
  // loss_fn, metrics, make_loader, evaluate) is local to the function, so the module's record of
  // what was written is set aside meanwhile; a compile() starts the helper's own record.
  std::vector<std::string> bound_to_parameter(const ScriptStep& step, const pivot::Script& script) {
    if (step.kind == ScriptStep::Kind::Compile) helper_written_ = Written{};
    helper_written_.model = step.variable;
    ScriptStep unbound = step;
    unbound.variable.clear();
    Written module = exchange_written(helper_written_);
    std::vector<std::string> out = render(unbound, script);
    helper_written_ = exchange_written(std::move(module));
    return out;
  }

  // An "iterable" dataset (a helper's `window.train`, made elsewhere): iterated as it is.
  std::string iterable_loader(const pivot::Dataset& d) {
    diags_.note(Code::TrainingConvention, d.location)
        << "'" << py(d.features)
        << "' is a dataset made elsewhere (a tf.data pipeline in Keras): the migrated code "
           "iterates it as batches of (inputs, targets) tensors, e.g. a torch DataLoader the "
           "caller passes in";
    if (permute_.empty()) return py(d.features);
    std::string batches = "((inputs" + permute_ + ", targets) for inputs, targets in ";
    batches += py(d.features);
    return batches + ")";
  }

  std::vector<std::string> optimizer_lines(const pivot::Script& script,
                                           const std::string& variable) {
    if (!script.setup.optimizer || optimizer_written_) return {};
    if (model_.empty()) return {};  // written by compile(), once the model exists
    const auto& o = *script.setup.optimizer;
    const auto& rows = frameworks::pytorch::training_rows();
    std::string kind = o.kind;
    // Keras' decoupled weight_decay on Adam is AdamW's update.
    if (kind == "adam" && o.decay == pivot::Optimizer::Decay::Decoupled) kind = "adamw";
    const auto* row = frameworks::find_row_for_kind(rows, pivot::SetupFamily::Optimizer, kind);
    if (!row) {
      partial_ = true;
      return {"# TODO(nnport): optimizer '" + o.kind + "' has no PyTorch spelling yet"};
    }
    std::string args = model() + ".parameters()";
    std::string betas[2];
    bool betas_differ = false;
    std::vector<std::string> out;
    for (const auto& [name, value] : o.args)
      if (!row->find_canonical(name) && name != "dampening") {
        partial_ = true;
        out.push_back("# TODO(nnport): optimizer argument " + name + "=" + py(value) +
                      " has no counterpart in " + row->symbol);
      }
    // In the row's order (lr first), each value torch's default would not give.
    for (const auto& a : row->args) {
      auto it = o.args.find(a.canonical);
      if (it == o.args.end()) continue;
      const SetupValue& value = it->second;
      if (a.spelled.rfind("betas.", 0) == 0) {
        betas[a.spelled.back() - '0'] = py(value);
        if (!a.default_value.set() || !same_value(value, a.default_value)) betas_differ = true;
        continue;
      }
      if (a.default_value.set() && same_value(value, a.default_value)) continue;
      args += ", " + a.spelled + "=" + py(value);
    }
    if (betas_differ) args += ", betas=(" + betas[0] + ", " + betas[1] + ")";
    // Keras applies decoupled decay before the update (w -= lr * wd * w): for plain SGD that is
    // torch's coupled weight_decay exactly; other torch optimisers but AdamW would differ.
    auto momentum = o.args.find("momentum");
    const bool plain_sgd = kind == "sgd" && (momentum == o.args.end() ||
                                             same_value(momentum->second, SetupValue::real(0)));
    if (o.decay == pivot::Optimizer::Decay::Decoupled && kind != "adamw" && !plain_sgd &&
        o.weight_decay.set()) {
      partial_ = true;
      diags_.error(Code::ScriptUnsupported, o.location)
          << "decoupled weight_decay on " << o.kind
          << " has no torch.optim counterpart (torch's weight_decay is coupled there)";
      out.push_back("# TODO(nnport): decoupled weight_decay=" + py(o.weight_decay) + " on " +
                    o.kind + " has no torch.optim counterpart (coupled there)");
    } else if (o.decay != pivot::Optimizer::Decay::None && o.weight_decay.set()) {
      args += ", weight_decay=" + py(o.weight_decay);
    } else if (kind == "adamw") {
      args += ", weight_decay=0.0";
    }
    if (o.kind == "rmsprop")
      diags_.warning(Code::TrainingConvention, o.location)
          << "Keras' RMSprop adds epsilon inside the square root, torch.optim.RMSprop outside; "
             "with "
             "epsilon 1e-07 the steps differ only where the squared-gradient average is tiny";
    optimizer_written_ = true;
    optimizer_var_ = variable.empty() ? "optimizer" : variable;
    std::string symbol = row->symbol;
    out.push_back(optimizer_var_ + " = " + symbol + "(" + args + ")");
    return out;
  }

  // Keras' per-sample loss (a loss over the last axis is averaged there), for reduction "sum"
  // and "none".
  static std::string per_sample_loss(const pivot::Loss& l, const std::string& clamp,
                                     const std::string& smoothing) {
    const std::string none = ", reduction=\"none\"";
    if (l.kind == "cross_entropy") {
      if (l.label_form == "index") {
        if (l.input_form == "logits")
          return "F.cross_entropy(outputs, targets.view(-1).long()" + none +
                 (smoothing.empty() ? "" : ", label_smoothing=" + smoothing) + ")";
        if (!smoothing.empty()) return "";
        return "F.nll_loss(torch.log(" + clamp + "), targets.view(-1).long()" + none + ")";
      }
      const std::string targets = smoothing.empty()
                                      ? "targets.float()"
                                      : "(targets.float() * (1 - " + smoothing + ") + " +
                                            smoothing + " / outputs.shape[-1])";
      if (l.input_form == "logits") return "F.cross_entropy(outputs, " + targets + none + ")";
      return "-(" + targets + " * torch.log(" + clamp + ")).sum(dim=-1)";
    }
    const std::string targets = "targets.float().view_as(outputs)";
    if (l.kind == "binary_cross_entropy") {
      const std::string t = smoothing.empty()
                                ? targets
                                : targets + " * (1 - " + smoothing + ") + " + smoothing + " / 2";
      if (l.input_form == "logits")
        return "F.binary_cross_entropy_with_logits(outputs, " + t + none + ").mean(dim=-1)";
      return "F.binary_cross_entropy(" + clamp + ", " + t + none + ").mean(dim=-1)";
    }
    if (l.kind == "mse") return "F.mse_loss(outputs, " + targets + none + ").mean(dim=-1)";
    if (l.kind == "mae") return "F.l1_loss(outputs, " + targets + none + ").mean(dim=-1)";
    if (l.kind == "huber") {
      std::string delta = "1.0";
      if (auto it = l.args.find("delta"); it != l.args.end()) delta = py(it->second);
      return "F.huber_loss(outputs, " + targets + none + ", delta=" + delta + ").mean(dim=-1)";
    }
    return "";
  }

  std::string loss_expression(const pivot::Loss& l) {
    // A user function: Keras calls it as fn(y_true, y_pred) and averages all its values.
    if (l.kind == "custom") return custom_call(l.function);
    const std::string clamp = "torch.clamp(outputs, 1e-7, 1 - 1e-7)";
    // Keras label_smoothing e mixes the labels before the loss: one-hot y * (1 - e) + e / C,
    // binary y * (1 - e) + e / 2 (what torch's label_smoothing does for class indices too).
    std::string smoothing;
    if (auto it = l.args.find("label_smoothing");
        it != l.args.end() && !same_value(it->second, SetupValue::real(0)))
      smoothing = py(it->second);
    // Keras reduction "sum" / "none": the per-sample losses summed, or as they are.
    if (auto it = l.args.find("reduction");
        it != l.args.end() && it->second.kind == SetupValue::Kind::String &&
        (it->second.text == "sum" || it->second.text == "none")) {
      const std::string per_sample = per_sample_loss(l, clamp, smoothing);
      if (per_sample.empty() || it->second.text == "none") return per_sample;
      return operand(per_sample) + ".sum()";
    }
    if (l.kind == "cross_entropy") {
      if (l.label_form == "index") {
        if (l.input_form == "logits")
          return "F.cross_entropy(outputs, targets.view(-1).long()" +
                 (smoothing.empty() ? "" : ", label_smoothing=" + smoothing) + ")";
        if (!smoothing.empty()) return "";
        return "F.nll_loss(torch.log(" + clamp + "), targets.view(-1).long())";
      }
      const std::string targets = smoothing.empty()
                                      ? "targets.float()"
                                      : "(targets.float() * (1 - " + smoothing + ") + " +
                                            smoothing + " / outputs.shape[-1])";
      if (l.input_form == "logits") return "F.cross_entropy(outputs, " + targets + ")";
      return "-(" + targets + " * torch.log(" + clamp + ")).sum(dim=-1).mean()";
    }
    if (l.kind == "binary_cross_entropy") {
      const std::string targets = smoothing.empty() ? "targets.float().view_as(outputs)"
                                                    : "targets.float().view_as(outputs) * (1 - " +
                                                          smoothing + ") + " + smoothing + " / 2";
      if (l.input_form == "logits")
        return "F.binary_cross_entropy_with_logits(outputs, " + targets + ")";
      return "F.binary_cross_entropy(" + clamp + ", " + targets + ")";
    }
    if (l.kind == "mse") return "F.mse_loss(outputs, targets.float().view_as(outputs))";
    if (l.kind == "mae") return "F.l1_loss(outputs, targets.float().view_as(outputs))";
    if (l.kind == "huber") {
      std::string delta = "1.0";
      if (auto it = l.args.find("delta"); it != l.args.end()) delta = py(it->second);
      return "F.huber_loss(outputs, targets.float().view_as(outputs), delta=" + delta + ")";
    }
    return "";
  }

  std::string metric_expression(const pivot::Metric& m) {
    // Keras averages a metric function's values over the samples (MeanMetricWrapper).
    if (m.kind == "custom") return custom_call(m.function);
    if (m.kind == "sparse_categorical_accuracy")
      return "(outputs.argmax(dim=-1) == targets.view(-1).long()).float().mean()";
    if (m.kind == "categorical_accuracy")
      return "(outputs.argmax(dim=-1) == targets.argmax(dim=-1)).float().mean()";
    if (m.kind == "binary_accuracy") {
      std::string threshold = "0.5";
      if (auto it = m.args.find("threshold"); it != m.args.end()) threshold = py(it->second);
      return "((outputs > " + threshold +
             ").float() == targets.float().view_as(outputs)).float().mean()";
    }
    if (m.kind == "mae") return "(outputs - targets.float().view_as(outputs)).abs().mean()";
    // Keras' MeanAbsolutePercentageError: 100 * |y - y_pred| / max(|y|, epsilon = 1e-7).
    if (m.kind == "mape")
      return "(100 * (targets.float().view_as(outputs) - outputs).abs() / "
             "targets.float().view_as(outputs).abs().clamp(min=1e-7)).mean()";
    if (m.kind == "binary_cross_entropy") {
      // Keras' BinaryCrossentropy metric: the loss's formula (probabilities clipped to 1e-7).
      imports_.insert("F");
      auto logits = m.args.find("from_logits");
      if (logits != m.args.end() && logits->second.kind == SetupValue::Kind::Bool &&
          logits->second.b)
        return "F.binary_cross_entropy_with_logits(outputs, targets.float().view_as(outputs))";
      return "F.binary_cross_entropy(outputs.clamp(1e-7, 1 - 1e-7), "
             "targets.float().view_as(outputs))";
    }
    if (m.kind == "mse" || m.kind == "root_mean_squared_error")
      return "(outputs - targets.float().view_as(outputs)).square().mean()";
    return "";
  }

  static bool has_compile(const std::vector<ScriptStep>& steps) {
    for (const auto& step : steps) {
      if (step.kind == ScriptStep::Kind::Compile) return true;
      for (const auto& clause : step.clauses)
        if (has_compile(clause.body)) return true;
    }
    return false;
  }

  // A loss object compile() never takes (a custom training step calls it): a function with
  // Keras' argument order, loss_object(y_true, y_pred).
  std::vector<std::string> loss_object_lines(const pivot::Script& script,
                                             const std::string& variable) {
    if (has_compile(script.steps) || !script.setup.loss || variable.empty()) return {};
    const std::string expr = loss_expression(*script.setup.loss);
    if (expr.empty()) {
      partial_ = true;
      return {"# TODO(nnport): loss '" + script.setup.loss->kind + "' has no PyTorch spelling yet"};
    }
    imports_.insert("F");
    return {"def " + variable + "(targets, outputs):",
            "    \"\"\"The Keras loss object: called as loss(y_true, y_pred).\"\"\"",
            "    return " + expr, ""};
  }

  std::vector<std::string> compile_lines(const pivot::Script& script) {
    imports_.insert("F");
    imports_.insert("data");
    imports_.insert("numpy as np");
    imports_.insert("import numpy as np");
    std::vector<std::string> out =
        optimizer_lines(script, script.setup.optimizer ? script.setup.optimizer->variable : "");
    if (!script.setup.loss) return out;
    if (uses_custom_function(script)) {
      out.push_back("");
      out.push_back("");
      append(out, keras_targets_helper());
    }
    if (per_output_losses_) {
      if (!append_output_losses(out, script.setup.output_losses)) return out;
      append(out, metrics_and_evaluate_lines(script));
      return out;
    }
    const auto& l = *script.setup.loss;
    const std::string expr = loss_expression(l);
    if (expr.empty()) {
      partial_ = true;
      out.push_back("# TODO(nnport): loss '" + l.kind + "' has no PyTorch spelling yet");
      return out;
    }
    out.push_back("");
    out.push_back("");
    out.push_back("def loss_fn(outputs, targets):");
    if (l.input_form == "probabilities" &&
        (l.kind == "cross_entropy" || l.kind == "binary_cross_entropy"))
      out.push_back(
          "    # The model outputs probabilities (Keras from_logits=False): clipped to [1e-7, 1 - "
          "1e-7] as Keras does.");
    out.push_back("    return " + expr);
    append(out, metrics_and_evaluate_lines(script));
    return out;
  }

  // A model with several outputs: one function per output's loss, and loss_fn their weighted
  // sum (Keras 3: sum(weight * loss), each loss averaged over its own batch). Each weighted term
  // is also logged as "<output>_loss", as Keras logs it. False (with a TODO) on a loss with no
  // PyTorch spelling.
  bool append_output_losses(std::vector<std::string>& out,
                            const std::vector<pivot::OutputLoss>& per_output) {
    std::vector<std::string> terms;
    std::set<std::string> taken;
    output_loss_metrics_.clear();  // a later compile() replaces an earlier one's
    for (const auto& o : per_output) {
      const std::string expr = loss_expression(o.loss);
      if (expr.empty()) {
        partial_ = true;
        out.push_back("# TODO(nnport): loss '" + o.loss.kind + "' has no PyTorch spelling yet");
        return false;
      }
      std::string fn = "loss_";
      for (char c : o.name) fn += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      while (!taken.insert(fn).second) fn += fmt::format("_{}", o.output);
      out.push_back("");
      out.push_back("");
      out.push_back("def " + fn + "(outputs, targets):");
      out.push_back(fmt::format("    \"\"\"The loss of output {} ({}).\"\"\"", o.output, o.name));
      out.push_back("    return " + expr);
      const std::string index = fmt::format("[{}]", o.output);
      const std::string call = fn + "(outputs" + index + ", targets" + index + ")";
      const std::string term = o.weight.set() ? operand(py(o.weight)) + " * " + call : call;
      terms.push_back(term);
      output_loss_metrics_.push_back("    " + quoted(o.name + "_loss") +
                                     ": lambda outputs, targets: " + term + ",");
    }
    out.push_back("");
    out.push_back("");
    out.push_back("def loss_fn(outputs, targets):");
    out.push_back(
        "    # Keras sums the outputs' losses, each averaged over the batch and times its "
        "loss_weights entry.");
    std::string sum;
    for (const auto& t : terms) sum += (sum.empty() ? "" : " + ") + t;
    out.push_back("    return " + sum);
    return true;
  }

  // The metrics dict and evaluate(loader), after loss_fn.
  std::vector<std::string> metrics_and_evaluate_lines(const pivot::Script& script) {
    std::vector<std::string> out;
    out.push_back("");
    out.push_back("");
    out.push_back("# The metrics compile() asked for, as Keras computes them per batch.");
    out.push_back("metrics = {");
    for (const auto& line : output_loss_metrics_) out.push_back(line);
    for (const auto& m : script.setup.metrics) {
      if (!m.variable.empty()) continue;  // a metric object of a custom step
      const std::string e = for_output(metric_expression(m), m.output);
      if (e.empty()) {
        partial_ = true;
        out.push_back("    # TODO(nnport): metric '" + m.kind + "' is not written yet");
        continue;
      }
      out.push_back("    " + quoted(m.display_name) + ": lambda outputs, targets: " + e + ",");
      if (m.kind == "root_mean_squared_error") root_metrics_.push_back(quoted(m.display_name));
    }
    out.push_back("}");
    if (!root_metrics_.empty()) {
      std::string names;
      for (const auto& n : root_metrics_) names += (names.empty() ? "" : ", ") + n;
      out.push_back(
          "# RootMeanSquaredError: the root of the squared errors averaged over all the samples "
          "(taken at the end).");
      out.push_back("root_metrics = {" + names + "}");
    }
    out.push_back("");
    out.push_back("");
    append(out, loader_helper());
    out.push_back("def evaluate(loader):");
    out.push_back(
        "    \"\"\"Loss and metrics over `loader` in inference mode, averaged over the "
        "samples.\"\"\"");
    out.push_back("    " + model() + ".eval()");
    out.push_back("    totals = {\"loss\": 0.0, **{name: 0.0 for name in metrics}}");
    out.push_back("    seen = 0");
    out.push_back("    with torch.no_grad():");
    out.push_back("        for " + batch_variables() + " in loader:");
    out.push_back("            outputs = " + forward(model()));
    const std::string eval_loss = "loss_fn(outputs, targets)" + penalty_term();
    out.push_back("            totals[\"loss\"] += " +
                  (penalty_ ? "(" + eval_loss + ")" : eval_loss) + ".item() * " + batch_count());
    out.push_back("            for name, metric_fn in metrics.items():");
    out.push_back("                totals[name] += metric_fn(outputs, targets).item() * " +
                  batch_count());
    out.push_back("            seen += " + batch_count());
    out.push_back("    return {name: " + averaged() + " for name, total in totals.items()}");
    out.push_back("");
    out.push_back("");
    return out;
  }

  // make_loader(...): written once, before the first step that needs it.
  std::vector<std::string> loader_helper() {
    if (loader_helper_written_) return {};
    loader_helper_written_ = true;
    imports_.insert("data");
    imports_.insert("import numpy as np");
    std::vector<std::string> out;
    out.push_back("def make_loader(x, y, batch_size=32, shuffle=False):");
    out.push_back("    \"\"\"NumPy arrays -> DataLoader (Keras' default batch size is 32).\"\"\"");
    std::string inputs = "torch.as_tensor(np.asarray(x), dtype=" +
                         std::string(integer_input_ ? "torch.long" : "torch.float32") + ")";
    if (multiple_inputs_) {
      // One array per input of the model, in its input order: batches are (input_0, input_1,
      // ..., targets).
      out.back() =
          "    \"\"\"One NumPy array per input of the model -> DataLoader (batches of 32 by "
          "default).\"\"\"";
      out.push_back("    inputs = [");
      for (size_t i = 0; i < inputs_.size(); ++i)
        out.push_back("        torch.as_tensor(np.asarray(x[" + std::to_string(i) +
                      "]), dtype=" + inputs_[i].dtype + ")" + inputs_[i].permute + ",");
      out.push_back("    ]");
      inputs = "*inputs";
    } else if (!permute_.empty()) {
      out.push_back(
          "    # Keras feeds channels-last arrays; the migrated model takes channels-first.");
      inputs += permute_;
    }
    if (!multiple_inputs_) out.push_back("    inputs = " + inputs);
    if (per_output_losses_) {
      out.push_back(
          "    # One target array per output of the model: batches are (inputs, target_0, "
          "target_1, ...).");
      out.push_back("    targets = [torch.as_tensor(np.asarray(t)) for t in y]");
      out.push_back("    return DataLoader(TensorDataset(" +
                    std::string(multiple_inputs_ ? "*inputs" : "inputs") +
                    ", *targets), batch_size=batch_size, shuffle=shuffle)");
    } else {
      out.push_back("    targets = torch.as_tensor(np.asarray(y))");
      out.push_back("    return DataLoader(TensorDataset(" +
                    std::string(multiple_inputs_ ? "*inputs" : "inputs") +
                    ", targets), batch_size=batch_size, shuffle=shuffle)");
    }
    out.push_back("");
    out.push_back("");
    return out;
  }

  static void append(std::vector<std::string>& out, const std::vector<std::string>& more) {
    out.insert(out.end(), more.begin(), more.end());
  }

  std::string loader_call(const pivot::Dataset& d, const std::string& x, const std::string& y,
                          const SetupValue& batch, bool shuffle) {
    imports_.insert("data");
    std::string call = "make_loader(" + x + ", " + (y.empty() ? "None" : y);
    call += ", batch_size=" + (batch.set() ? py(batch) : std::string("32"));
    call += ", shuffle=" + std::string(shuffle ? "True" : "False") + ")";
    (void)d;
    return call;
  }

  std::vector<std::string> data_lines(const pivot::Dataset& d) {
    datasets_written_.insert(d.variable);
    if (d.kind == "arrays") {
      std::vector<std::string> out = loader_helper();
      const bool shuffle = d.shuffle.kind == SetupValue::Kind::Bool && d.shuffle.b;
      if (shuffle)
        out.push_back("# tf.data's shuffle() reshuffles every epoch: DataLoader(shuffle=True).");
      out.push_back(d.variable + " = " +
                    loader_call(d, py(d.features), d.labels.set() ? py(d.labels) : "", d.batch_size,
                                shuffle));
      return out;
    }
    if (d.kind == "image_folder") return image_folder_lines(d);
    if (const std::string call = d.kind == "builtin" ? npz_dataset_call(d) : ""; !call.empty()) {
      if (d.builtin_split.text == "word_index") imports_.insert("import json");
      imports_.insert("import os");
      imports_.insert("import numpy as np");
      std::vector<std::string> out;
      if (npz_helpers_written_.insert(call.substr(0, call.find('('))).second)
        out = npz_dataset_helper(d);
      out.push_back(d.variable + " = " + call);
      return out;
    }
    if (const std::string call = d.kind == "builtin" ? builtin_dataset_call(d) : "";
        !call.empty()) {
      imports_.insert("import os");
      imports_.insert("import numpy as np");
      std::vector<std::string> out;
      if (!builtin_helper_written_) out = builtin_dataset_helper();
      builtin_helper_written_ = true;
      out.push_back(d.variable + " = " + call);
      return out;
    }
    partial_ = true;
    return {"# TODO(nnport): dataset kind '" + d.kind + "' has no PyTorch spelling yet"};
  }

  std::vector<std::string> image_folder_lines(const pivot::Dataset& d) {
    std::vector<std::string> out;
    imports_.insert("import os");
    imports_.insert("import numpy as np");
    imports_.insert("from PIL import Image");
    imports_.insert("data");
    imports_.insert("F");
    if (!image_helper_written_) {
      image_helper_written_ = true;
      const std::string permute = permute_.empty() ? "" : permute_;
      for (const char* l : {
               "def image_folder_loader(directory, image_size=(256, 256), batch_size=32, "
               "shuffle=True, seed=None,",
               "                        validation_split=None, subset=None, label_mode=\"int\", "
               "color_mode=\"rgb\",",
               "                        interpolation=\"bilinear\"):",
               "    \"\"\"keras.utils.image_dataset_from_directory: one folder per class (sorted "
               "names), images as",
               "    float32 0-255 resized to image_size; with validation_split the file list is "
               "shuffled with the",
               "    seed as Keras does and the LAST fraction is the validation subset.\"\"\"",
               "    class_names = sorted(d for d in os.listdir(directory) if "
               "os.path.isdir(os.path.join(directory, d)))",
               "    files, labels = [], []",
               "    for index, name in enumerate(class_names):",
               "        for f in sorted(os.listdir(os.path.join(directory, name))):",
               "            if f.lower().endswith((\".png\", \".jpg\", \".jpeg\", \".bmp\", "
               "\".gif\")):",
               "                files.append(os.path.join(directory, name, f))",
               "                labels.append(index)",
               "    if validation_split:",
               "        if shuffle:",
               "            if seed is None:",
               "                seed = np.random.randint(1_000_000)",
               "            np.random.RandomState(seed).shuffle(files)",
               "            np.random.RandomState(seed).shuffle(labels)",
               "        n_val = int(validation_split * len(files))",
               "        if subset == \"training\":",
               "            files, labels = files[:-n_val], labels[:-n_val]",
               "        else:",
               "            files, labels = files[-n_val:], labels[-n_val:]",
               "    images = []",
               "    for f in files:",
               "        img = Image.open(f).convert(\"L\" if color_mode == \"grayscale\" else "
               "\"RGB\")",
               "        if img.size != (image_size[1], image_size[0]):",
               "            # TensorFlow resizes without antialiasing; PIL's differs when "
               "shrinking.",
               "            img = img.resize((image_size[1], image_size[0]), Image.BILINEAR)",
               "        a = np.asarray(img, dtype=np.float32)",
               "        images.append(a[:, :, None] if a.ndim == 2 else a)",
           })
        out.push_back(l);
      if (!permute.empty())
        out.push_back(
            "    # Keras images are channels-last; the migrated model takes channels-first.");
      out.push_back("    x = torch.as_tensor(np.stack(images))" + permute);
      for (const char* l : {
               "    y = torch.as_tensor(labels)",
               "    if label_mode == \"categorical\":",
               "        y = F.one_hot(y, len(class_names)).float()",
               "    elif label_mode == \"binary\":",
               "        y = y.float().unsqueeze(1)",
               "    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, "
               "shuffle=shuffle)",
               "    loader.class_names = class_names",
               "    return loader",
           })
        out.push_back(l);
      out.push_back("");
      out.push_back("");
    }
    std::string call = d.variable + " = image_folder_loader(" + py(d.args.at("directory"));
    for (const char* k : {"image_size", "seed", "label_mode", "color_mode", "interpolation"})
      if (auto it = d.args.find(k); it != d.args.end())
        call += std::string(", ") + k + "=" + py(it->second);
    call += ", batch_size=" + py(d.batch_size) + ", shuffle=" + py(d.shuffle);
    if (d.split_fraction.set()) call += ", validation_split=" + py(d.split_fraction);
    if (!d.split_part.empty()) call += ", subset=" + quoted(d.split_part);
    out.push_back(call + ")");
    return out;
  }

  const pivot::Dataset* find_dataset(const pivot::Script& script, const std::string& variable) {
    for (const auto& d : script.setup.datasets)
      if (d.variable == variable) return &d;
    return nullptr;
  }

  std::vector<std::string> train_lines(const pivot::Script& script, const pivot::Fit& fit) {
    std::vector<std::string> out = loader_helper();
    const auto* train = find_dataset(script, fit.train_data);
    if (!train) {
      partial_ = true;
      return {"# TODO(nnport): the training data of fit(...) was not found"};
    }
    const bool shuffle = !(fit.shuffle.kind == SetupValue::Kind::Bool && !fit.shuffle.b);
    std::string train_loader = train->variable;
    std::string val_loader;
    if (train->kind == "iterable") {
      if (fit.validation_split.set()) {
        partial_ = true;
        out.push_back("# TODO(nnport): validation_split of a dataset made elsewhere");
      }
      train_loader = iterable_loader(*train);
    } else if (!datasets_written_.count(train->variable)) {
      // NumPy arrays given to fit(): Keras batches them (32 unless said) and shuffles every epoch.
      std::string x = py(train->features), y = train->labels.set() ? py(train->labels) : "";
      if (fit.validation_split.set()) {
        out.push_back(
            "# validation_split: Keras holds out the LAST fraction of the arrays, before "
            "shuffling.");
        out.push_back("split_at = int(len(" + (multiple_inputs_ ? operand(x) + "[0]" : x) +
                      ") * (1 - " + py(fit.validation_split) + "))");
        const std::string vx = multiple_inputs_ ? "[a[split_at:] for a in " + x + "]"
                                                : operand(x) + "[split_at:]",
                          vy = y.empty()            ? ""
                               : per_output_losses_ ? "[t[split_at:] for t in " + y + "]"
                                                    : operand(y) + "[split_at:]";
        x = multiple_inputs_ ? "[a[:split_at] for a in " + x + "]" : operand(x) + "[:split_at]";
        if (!y.empty())
          y = per_output_losses_ ? "[t[:split_at] for t in " + y + "]" : operand(y) + "[:split_at]";
        out.push_back("val_loader = " + loader_call(*train, vx, vy, fit.batch_size, false));
        val_loader = "val_loader";
      }
      if (shuffle) out.push_back("# Keras' fit() shuffles the training samples every epoch.");
      out.push_back(train_loader + " = " + loader_call(*train, x, y, fit.batch_size, shuffle));
      datasets_written_.insert(train->variable);
    }
    if (!fit.validation_data.empty()) {
      const auto* val = find_dataset(script, fit.validation_data);
      if (val && val->kind == "iterable") {
        val_loader = iterable_loader(*val);
      } else {
        if (val && !datasets_written_.count(val->variable)) {
          out.push_back(val->variable + " = " +
                        loader_call(*val, py(val->features),
                                    val->labels.set() ? py(val->labels) : "", fit.batch_size,
                                    false));
          datasets_written_.insert(val->variable);
        }
        val_loader = fit.validation_data;
      }
    }
    std::string epochs = fit.epochs.set() ? py(fit.epochs) : "1";
    if (epochs.find_first_of("\"'[(") != std::string::npos) {
      // An expression such as config["epochs"]: named once, so the progress line can quote it.
      out.push_back("num_epochs = " + epochs);
      epochs = "num_epochs";
    }
    const std::string m = model();
    const std::string opt = optimizer_var_.empty() ? "optimizer" : optimizer_var_;
    const bool quiet = fit.verbose.kind == SetupValue::Kind::Int && fit.verbose.i == 0;
    const std::string history = fit.history_variable.empty() ? "history" : fit.history_variable;
    imports_.insert("from types import SimpleNamespace");
    if (fit.history_epoch || fit.history_params) {
      // Keras' History also lists the epochs run and fit's parameters (verbose "auto" is 1).
      out.push_back(history + " = SimpleNamespace(history={}" +
                    (fit.history_epoch ? ", epoch=[]" : "") + ")  # what Keras' History holds");
      if (fit.history_params)
        out.push_back(
            history + ".params = {\"verbose\": " +
            (fit.verbose.kind == SetupValue::Kind::Int ? py(fit.verbose) : std::string("1")) +
            ", \"epochs\": " + epochs + ", \"steps\": len(" + train_loader + ")}");
    } else {
      out.push_back(history +
                    " = SimpleNamespace(history={})  # what Keras' History.history holds");
    }
    // Callbacks as plain code: their state before the loop, their checks after each epoch.
    std::vector<std::string> after;
    int k = 0;
    for (const auto& cb : script.setup.callbacks) {
      const std::string id = std::to_string(k++);
      auto arg = [&](const char* name) {
        return cb.args.count(name) ? cb.args.at(name) : SetupValue{};
      };
      const std::string monitor = py(arg("monitor"));
      std::string mode = arg("mode").set() ? arg("mode").text : "auto";
      if (mode == "auto")
        mode = monitor.find("acc") != std::string::npos || monitor.find("auc") != std::string::npos
                   ? "max"
                   : "min";
      const std::string better = mode == "max" ? ">" : "<";
      const std::string delta_sign = mode == "max" ? " + " : " - ";
      if (cb.kind == "early_stopping") {
        const bool restore = arg("restore_best_weights").kind == SetupValue::Kind::Bool &&
                             arg("restore_best_weights").b;
        out.push_back("# EarlyStopping(monitor=" + monitor + ", patience=" + py(arg("patience")) +
                      ", min_delta=" + py(arg("min_delta")) + ", mode=\"" + mode + "\")");
        out.push_back("best_" + id + ", wait_" + id + ", best_state_" + id + " = None, 0, None");
        after.push_back("current = logs[" + monitor + "]");
        after.push_back("wait_" + id + " += 1");
        after.push_back("if best_" + id + " is None or current" + (mode == "max" ? " - " : " + ") +
                        "abs(" + py(arg("min_delta")) + ") " + better + " best_" + id + ":");
        after.push_back("    best_" + id + ", wait_" + id + " = current, 0");
        if (restore) {
          imports_.insert("import copy");
          after.push_back("    best_state_" + id + " = copy.deepcopy(" + m + ".state_dict())");
        }
        after.push_back("elif wait_" + id + " >= " + py(arg("patience")) + " and epoch > 0:");
        after.push_back("    stop_training = True");
        if (restore)
          restore_lines_.push_back("if best_state_" + id + " is not None:\n    " + m +
                                   ".load_state_dict(best_state_" + id + ")");
        (void)delta_sign;
      } else if (cb.kind == "checkpoint") {
        const bool best_only =
            arg("save_best_only").kind == SetupValue::Kind::Bool && arg("save_best_only").b;
        const bool weights_only =
            arg("save_weights_only").kind == SetupValue::Kind::Bool && arg("save_weights_only").b;
        if (!weights_only)
          diags_.warning(Code::TrainingConvention, cb.location)
              << "ModelCheckpoint saves the whole model in Keras; the migrated script saves the "
                 "state_dict";
        out.push_back("# ModelCheckpoint(" + py(arg("filepath")) +
                      (best_only ? ", save_best_only=True" : "") + ")");
        out.push_back("checkpoint_best_" + id + " = None");
        std::string save = "torch.save(" + m + ".state_dict(), str(" + py(arg("filepath")) +
                           ").format(epoch=epoch + 1, **logs))";
        if (best_only) {
          after.push_back("if checkpoint_best_" + id + " is None or logs[" + monitor + "] " +
                          better + " checkpoint_best_" + id + ":");
          after.push_back("    checkpoint_best_" + id + " = logs[" + monitor + "]");
          after.push_back("    " + save);
        } else {
          after.push_back(save);
        }
      } else {
        partial_ = true;
        out.push_back("# TODO(nnport): callback '" + cb.kind + "' is not written yet");
      }
    }
    std::string scheduler;
    std::vector<std::string> batch_schedulers;  // stepped after every optimizer.step()
    std::vector<std::string> epoch_start;       // run at the start of every epoch
    for (const auto& s : script.setup.schedules) {
      if (is_keras_schedule(s.kind)) {
        const std::string var = batch_schedulers.empty()
                                    ? "lr_scheduler"
                                    : "lr_scheduler_" + std::to_string(batch_schedulers.size());
        const auto spelled = spell_keras_schedule(s, opt, var, py);
        if (!spelled.problem.empty()) {
          partial_ = true;
          out.push_back("# TODO(nnport): " + spelled.problem);
          continue;
        }
        if (spelled.needs_math) imports_.insert("import math");
        if (script.setup.optimizer && pivot::momentum_scales_with_rate(*script.setup.optimizer))
          diags_.warning(Code::TrainingConvention, s.location)
              << "SGD momentum with a changing learning rate: Keras scales each gradient by its "
                 "step's rate before it enters the momentum, PyTorch the whole momentum buffer "
                 "by the current rate; the updates differ once the rate has changed";
        for (const auto& l : spelled.lines) out.push_back(l);
        batch_schedulers.push_back(var);
        continue;
      }
      if (s.kind == "epoch_function") {
        // Keras' LearningRateScheduler calls schedule(epoch, current rate) at each epoch's
        // start; LambdaLR would only scale the initial rate, so the groups are set directly.
        epoch_start.push_back(
            "# LearningRateScheduler: the rate of this epoch is schedule(epoch, rate).");
        epoch_start.push_back("for group in " + opt + ".param_groups:");
        epoch_start.push_back("    group[\"lr\"] = float((" +
                              py(s.args.count("schedule") ? s.args.at("schedule") : SetupValue{}) +
                              ")(epoch, group[\"lr\"]))");
        continue;
      }
      if (s.kind != "reduce_on_plateau") {
        partial_ = true;
        out.push_back("# TODO(nnport): schedule '" + s.kind + "' is not written yet");
        continue;
      }
      auto arg = [&](const char* name) {
        return s.args.count(name) ? s.args.at(name) : SetupValue{};
      };
      const std::string monitor = py(arg("monitor"));
      std::string mode = arg("mode").set() ? arg("mode").text : "auto";
      if (mode == "auto") mode = monitor.find("acc") != std::string::npos ? "max" : "min";
      out.push_back("# ReduceLROnPlateau: Keras compares with an absolute min_delta of 1e-4.");
      out.push_back("scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(" + opt + ", mode=\"" +
                    mode + "\", factor=" + py(arg("factor")) + ", patience=" + py(arg("patience")) +
                    ", threshold=0.0001, threshold_mode=\"abs\", min_lr=" + py(arg("min_lr")) +
                    ")");
      after.push_back("scheduler.step(logs[" + monitor + "])");
      scheduler = "scheduler";
    }
    out.push_back("for epoch in range(" + epochs + "):");
    for (const auto& l : epoch_start) out.push_back("    " + l);
    out.push_back("    " + m + ".train()");
    out.push_back("    totals = {\"loss\": 0.0, **{name: 0.0 for name in metrics}}");
    out.push_back("    seen = 0");
    out.push_back("    for " + batch_variables() + " in " + train_loader + ":");
    out.push_back("        " + opt + ".zero_grad()");
    out.push_back("        outputs = " + forward(m));
    out.push_back("        loss = loss_fn(outputs, targets)" + penalty_term());
    out.push_back("        loss.backward()");
    const auto& o = script.setup.optimizer;
    if (o && o->clip != pivot::Optimizer::Clip::None) {
      if (o->clip == pivot::Optimizer::Clip::GlobalNorm)
        out.push_back("        torch.nn.utils.clip_grad_norm_(" + m + ".parameters(), " +
                      py(o->clip_value) + ")");
      else if (o->clip == pivot::Optimizer::Clip::Value)
        out.push_back("        torch.nn.utils.clip_grad_value_(" + m + ".parameters(), " +
                      py(o->clip_value) + ")");
      else {
        out.push_back("        for p in " + m +
                      ".parameters():  # Keras clipnorm clips each tensor on its own");
        out.push_back("            if p.grad is not None:");
        out.push_back("                torch.nn.utils.clip_grad_norm_([p], " + py(o->clip_value) +
                      ")");
      }
    }
    out.push_back("        " + opt + ".step()");
    for (const auto& b : batch_schedulers) out.push_back("        " + b + ".step()");
    out.push_back(
        "        # Keras reports the epoch's loss and metrics averaged over its samples.");
    out.push_back("        totals[\"loss\"] += loss.item() * " + batch_count());
    out.push_back("        with torch.no_grad():");
    out.push_back("            for name, metric_fn in metrics.items():");
    out.push_back("                totals[name] += metric_fn(outputs, targets).item() * " +
                  batch_count());
    out.push_back("        seen += " + batch_count());
    out.push_back("    logs = {name: " + averaged() + " for name, total in totals.items()}");
    if (!val_loader.empty())
      out.push_back("    logs.update({\"val_\" + name: value for name, value in evaluate(" +
                    val_loader + ").items()})");
    out.push_back("    for name, value in logs.items():");
    out.push_back("        " + history + ".history.setdefault(name, []).append(value)");
    if (fit.history_epoch) out.push_back("    " + history + ".epoch.append(epoch)");
    if (!quiet)
      out.push_back(
          "    print(f\"Epoch {epoch + 1}/{" + epochs +
          "} - \" + \" - \".join(f\"{name}: {value:.4f}\" for name, value in logs.items()))");
    if (!after.empty()) {
      out.push_back("    stop_training = False");
      for (const auto& l : after) out.push_back("    " + l);
      out.push_back("    if stop_training:");
      out.push_back("        break");
    }
    for (const auto& block : restore_lines_) {
      size_t start = 0;
      while (start <= block.size()) {
        size_t end = block.find('\n', start);
        if (end == std::string::npos) end = block.size();
        out.push_back(block.substr(start, end - start));
        start = end + 1;
      }
    }
    restore_lines_.clear();
    (void)scheduler;
    return out;
  }

  std::vector<std::string> evaluate_lines(const pivot::Script& script, const pivot::Evaluate& ev) {
    std::vector<std::string> out = loader_helper();
    const auto* d = find_dataset(script, ev.data);
    if (!d) {
      partial_ = true;
      return {"# TODO(nnport): the data of evaluate(...) was not found"};
    }
    std::string loader = d->kind == "iterable" ? iterable_loader(*d) : d->variable;
    if (d->kind != "iterable" && !datasets_written_.count(d->variable)) {
      out.push_back(d->variable + " = " +
                    loader_call(*d, py(d->features), d->labels.set() ? py(d->labels) : "",
                                ev.batch_size, false));
      datasets_written_.insert(d->variable);
    }
    // Keras reports each output's loss as a metric of a model with several losses.
    const bool with_metrics = !script.setup.metrics.empty() || per_output_losses_;
    const std::string results = "evaluate(" + loader + ")";
    if (ev.result_variables.empty()) {
      out.push_back(results);
    } else if (ev.result_variables.size() == 1) {
      // Keras returns the loss alone without metrics, else [loss, *metrics].
      out.push_back(ev.result_variables[0] + " = " +
                    (with_metrics ? "list(" + results + ".values())" : results + "[\"loss\"]"));
    } else {
      std::string names;
      for (size_t i = 0; i < ev.result_variables.size(); ++i)
        names += (i ? ", " : "") + ev.result_variables[i];
      out.push_back(names + " = " + results + ".values()");
    }
    return out;
  }

  std::vector<std::string> predict_lines(const ScriptStep& step) {
    imports_.insert("import numpy as np");
    imports_.insert("data");
    std::string inputs = "torch.as_tensor(np.asarray(" + step.text +
                         "), dtype=" + (integer_input_ ? "torch.long" : "torch.float32") + ")";
    if (multiple_inputs_) {
      // One array per input of the model.
      inputs.clear();
      for (size_t i = 0; i < inputs_.size(); ++i)
        inputs += (i ? ", " : "") + std::string("torch.as_tensor(np.asarray(") +
                  operand(step.text) + "[" + std::to_string(i) + "]), dtype=" + inputs_[i].dtype +
                  ")";
    }
    const std::string model = step.model.empty() ? this->model() : step.model;
    // Keras predict runs the model in inference mode over batches (of 32 by default; the batch
    // size does not change the predictions) and concatenates them into NumPy arrays.
    std::vector<std::string> out = {
        model + ".eval()", "with torch.no_grad():",
        "    _batches = DataLoader(TensorDataset(" + inputs + "), batch_size=32)"};
    std::string outputs =
        "[" + model + "(inputs" + permute_ + ")" + output_back_ + " for (inputs,) in _batches]";
    if (multiple_inputs_) {
      std::string names, args;
      for (size_t i = 0; i < inputs_.size(); ++i) {
        names += (i ? ", " : "") + inputs_[i].name;
        args += (i ? ", " : "") + inputs_[i].name + inputs_[i].permute;
      }
      outputs = "[" + model + "(" + args + ") for " + names + " in _batches]";
    }
    // A model with several outputs: Keras' predict returns a list of arrays.
    const std::string call =
        multiple_outputs_ ? "[torch.cat(list(output)).numpy() for output in zip(*" + outputs + ")]"
                          : "torch.cat(" + outputs + ").numpy()";
    out.push_back("    " + (step.variable.empty() ? call : step.variable + " = " + call));
    return out;
  }

  // The loop variables of a batch (`inputs, targets`; one per input of a model with several:
  // `title, body, *targets`), the model called on them (its output in the source layout), and
  // the batch's size.
  std::string batch_variables() const {
    if (!multiple_inputs_) return "inputs, " + batch_targets();
    std::string names;
    for (const auto& in : inputs_) names += in.name + ", ";
    return names + batch_targets();
  }
  std::string forward(const std::string& m) const {
    if (!multiple_inputs_) return m + "(inputs)" + output_back_;
    std::string names;
    for (const auto& in : inputs_) names += (names.empty() ? "" : ", ") + in.name;
    return m + "(" + names + ")" + output_back_;
  }
  std::string batch_count() const {
    return "len(" + (multiple_inputs_ ? inputs_.front().name : std::string("inputs")) + ")";
  }

  // A user loss/metric function called as Keras calls it, averaged over all its values.
  std::string custom_call(const std::string& function) const {
    // An identifier or a call (`loss(margin=margin)`): called as it is.
    return function + "(" + kKerasTargets + "(targets, outputs), outputs).mean()";
  }
  static bool uses_custom_function(const pivot::Script& script) {
    if (script.setup.loss && script.setup.loss->kind == "custom") return true;
    for (const auto& o : script.setup.output_losses)
      if (o.loss.kind == "custom") return true;
    for (const auto& m : script.setup.metrics)
      if (m.kind == "custom") return true;
    return false;
  }
  // A metric of one output of several: `outputs` and `targets` are that output's.
  static std::string for_output(const std::string& expr, int output) {
    if (output < 0 || expr.empty()) return expr;
    const std::string index = "[" + std::to_string(output) + "]";
    std::string out;
    for (size_t i = 0; i < expr.size();) {
      bool replaced = false;
      for (const char* word : {"outputs", "targets"}) {
        const size_t n = std::char_traits<char>::length(word);
        const bool start = i == 0 || !(std::isalnum(static_cast<unsigned char>(expr[i - 1])) ||
                                       expr[i - 1] == '_' || expr[i - 1] == '.');
        const bool end =
            i + n >= expr.size() ||
            !(std::isalnum(static_cast<unsigned char>(expr[i + n])) || expr[i + n] == '_');
        if (start && end && expr.compare(i, n, word) == 0) {
          out += std::string(word) + index;
          i += n;
          replaced = true;
          break;
        }
      }
      if (!replaced) out += expr[i++];
    }
    return out;
  }

  // An epoch's value of a metric from its total (a root metric's root of the average).
  std::string averaged() const {
    return root_metrics_.empty()
               ? "total / seen"
               : "(total / seen) ** 0.5 if name in root_metrics else total / seen";
  }
  std::vector<std::string> root_metrics_;  // RootMeanSquaredError metrics (quoted names)

  std::string entry_;
  DiagnosticEngine& diags_;
  std::string model_;
  std::string permute_;
  std::vector<ModelInput> inputs_;  // a model with several inputs: one tensor each
  std::string output_back_;         // the output permuted back to the source layout
  bool integer_input_ = false;
  bool multiple_inputs_ = false;
  bool multiple_outputs_ = false;
  int softmax_dim_ = -1;  // the target dimension of the source output's last axis
  // compile() gave one loss per output of a model with several: batches carry one target each.
  bool per_output_losses_ = false;
  std::vector<std::string> output_loss_metrics_;  // "<output>_loss" entries of `metrics`
  bool single_bias_rnn_ = false;
  bool partial_ = false;
  bool optimizer_written_ = false;
  bool image_helper_written_ = false;
  bool loader_helper_written_ = false;
  // The model has Keras weight regularizers: Keras trains on, and reports, the loss plus their
  // penalty (regularization_loss() of the generated module, weight_penalty.h).
  bool penalty_ = false;
  std::string penalty_term() {
    if (!penalty_) return "";
    return " + " + model() + "." + kPenaltyMethod + "()";
  }
  bool builtin_helper_written_ = false;
  std::set<std::string> npz_helpers_written_;  // load_<dataset> helpers written
  bool metric_class_written_ = false;
  std::string optimizer_var_;
  Written helper_written_;  // what the current helper function defined
  std::set<std::string> imports_;
  std::set<std::string> datasets_written_;
  std::vector<std::string> restore_lines_;
};

}  // namespace

std::unique_ptr<StepRenderer> make_step_renderer(const pivot::Script& script,
                                                 const std::string& entry_name,
                                                 const pivot::Graph& graph,
                                                 DiagnosticEngine& diags) {
  return std::make_unique<Renderer>(script, entry_name, graph, diags);
}

}  // namespace nnport::writers::pytorch
