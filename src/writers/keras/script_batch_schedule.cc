// Per-batch learning-rate schedules as Keras LearningRateSchedule subclasses (see
// script_batch_schedule.h).
#include "writers/keras/script_batch_schedule.h"

#include "writers/keras/script_setup.h"

namespace nnport::writers::keras {
namespace {

using pivot::SetupValue;

bool is_true(const SetupValue& v) { return v.kind == SetupValue::Kind::Bool && v.b; }

bool is_none(const SetupValue& v) {
  return !v.set() || (v.kind == SetupValue::Kind::Expr && v.text == "None");
}

// torch.optim.lr_scheduler.OneCycleLR (torch 1.13, two phases): phase ends at step
// pct_start * total - 1 and total - 1; each anneals start -> end with
// end + (start - end) / 2 * (cos(pi * pct) + 1) (cos) or start + pct * (end - start) (linear).
BatchScheduleSpelling one_cycle(const pivot::Schedule& sch, const std::string& keras,
                                const std::function<std::string(const SetupValue&)>& value) {
  BatchScheduleSpelling s;
  auto arg = [&](const std::string& name) {
    auto it = sch.args.find(name);
    return it == sch.args.end() ? SetupValue{} : it->second;
  };
  if (is_true(arg("cycle_momentum")))
    s.problems.push_back(
        "OneCycleLR with cycle_momentum=True also cycles the momentum (SGD momentum, Adam "
        "beta_1) every batch; Keras optimisers take a fixed momentum (cycle_momentum=False "
        "migrates)");
  if (is_true(arg("three_phase")))
    s.problems.push_back("OneCycleLR three_phase=True has no Keras spelling yet");
  const SetupValue strategy = arg("anneal_strategy");
  const bool linear = strategy.kind == SetupValue::Kind::String && strategy.text == "linear";
  if (strategy.kind != SetupValue::Kind::String ||
      (strategy.text != "cos" && strategy.text != "linear"))
    s.problems.push_back("OneCycleLR anneal_strategy=" + setup_literal(strategy) +
                         " is not \"cos\" or \"linear\"");
  std::string total;
  if (!is_none(arg("total_steps")))
    total = value(arg("total_steps"));
  else if (!is_none(arg("epochs")) && !is_none(arg("steps_per_epoch")))
    total = "(" + value(arg("epochs")) + ") * (" + value(arg("steps_per_epoch")) + ")";
  else
    s.problems.push_back("OneCycleLR needs total_steps or epochs and steps_per_epoch");
  if (!s.problems.empty()) return s;
  const std::string cls = "OneCycleSchedule";
  auto& l = s.lines;
  l.push_back("");
  l.push_back("class " + cls + "(" + keras + ".optimizers.schedules.LearningRateSchedule):");
  l.push_back("    \"\"\"torch.optim.lr_scheduler.OneCycleLR (anneal_strategy='" +
              std::string(linear ? "linear" : "cos") + "'), stepped after every batch: the");
  l.push_back("    rate of optimizer step `step`.\"\"\"");
  l.push_back("");
  l.push_back(
      "    def __init__(self, max_lr, total_steps, pct_start, div_factor, final_div_factor):");
  l.push_back("        super().__init__()");
  l.push_back("        self.max_lr = max_lr");
  l.push_back("        self.initial_lr = max_lr / div_factor");
  l.push_back("        self.min_lr = self.initial_lr / final_div_factor");
  l.push_back("        self.up_end = float(pct_start * total_steps) - 1");
  l.push_back("        self.down_end = float(total_steps - 1)");
  l.push_back("");
  l.push_back("    @staticmethod");
  l.push_back("    def anneal(start, end, pct):");
  if (linear) {
    l.push_back("        return start + pct * (end - start)");
  } else {
    l.push_back("        return end + (start - end) / 2.0 * (" + keras +
                ".ops.cos(math.pi * pct) + 1.0)");
    s.needs_math = true;
  }
  l.push_back("");
  l.push_back("    def __call__(self, step):");
  l.push_back("        step = " + keras + ".ops.cast(step, \"float32\")");
  l.push_back("        up = self.anneal(self.initial_lr, self.max_lr, step / self.up_end)");
  l.push_back(
      "        down = self.anneal(self.max_lr, self.min_lr, (step - self.up_end) / "
      "(self.down_end - self.up_end))");
  l.push_back("        return " + keras + ".ops.where(step <= self.up_end, up, down)");
  l.push_back("");
  l.push_back("");
  l.push_back(sch.variable + " = " + cls + "(");
  l.push_back("    max_lr=" + value(arg("max_lr")) + ",");
  l.push_back("    total_steps=" + total + ",");
  l.push_back("    pct_start=" + value(arg("pct_start")) + ",");
  l.push_back("    div_factor=" + value(arg("div_factor")) + ",");
  l.push_back("    final_div_factor=" + value(arg("final_div_factor")) + ",");
  l.push_back(")");
  return s;
}

// StepLR / ExponentialLR / MultiStepLR / LinearLR stepped after every batch: after t steps the rate
// is lr * gamma ** (t // step_size), lr * gamma ** t, lr * gamma ** (milestones <= t), which are
// Keras' own ExponentialDecay (staircase) and PiecewiseConstantDecay at optimizer step t.
BatchScheduleSpelling decay_builtin(const pivot::Schedule& sch, const std::string& keras,
                                    const SetupValue& base_lr,
                                    const std::function<std::string(const SetupValue&)>& value) {
  BatchScheduleSpelling s;
  auto arg = [&](const std::string& name) {
    auto it = sch.args.find(name);
    return it == sch.args.end() ? SetupValue{} : it->second;
  };
  if (!base_lr.set()) {
    s.problems.push_back(
        "the optimiser's learning rate, which the schedule starts from, is unknown");
    return s;
  }
  // Operands of the formulas below: the source's own expressions keep their meaning.
  auto operand = [&](const SetupValue& v) { return python_operand(value(v)); };
  const std::string lr = operand(base_lr), gamma = operand(arg("gamma"));
  const std::string head = sch.variable + " = " + keras + ".optimizers.schedules.";
  auto& l = s.lines;
  l.push_back("# " + sch.variable +
              " steps after every batch in the source: Keras evaluates this schedule at each "
              "optimizer step,");
  l.push_back("# the same count (exact at every step).");
  if (sch.kind == "linear") {
    // LinearLR: lr * (start + (end - start) * min(t, total) / total), which is PolynomialDecay
    // of power 1 from lr * start to lr * end over total steps.
    l.push_back(head + "PolynomialDecay(");
    l.push_back("    initial_learning_rate=" + lr + " * " + operand(arg("start_factor")) + ",");
    l.push_back("    decay_steps=" + value(arg("total_iters")) + ",");
    l.push_back("    end_learning_rate=" + lr + " * " + operand(arg("end_factor")) + ",");
    l.push_back("    power=1.0,");
    l.push_back(")");
  } else if (sch.kind == "step" || sch.kind == "exponential") {
    const std::string steps = sch.kind == "step" ? value(arg("step_size")) : "1";
    l.push_back(head + "ExponentialDecay(");
    l.push_back("    initial_learning_rate=" + value(base_lr) + ",");
    l.push_back("    decay_steps=" + steps + ",");
    l.push_back("    decay_rate=" + value(arg("gamma")) + ",");
    l.push_back("    staircase=True,");
    l.push_back(")");
  } else {
    // values[i] once step > boundaries[i - 1], i.e. from milestone m = boundary + 1 on.
    const std::string milestones = "sorted(" + value(arg("milestones")) + ")";
    l.push_back(head + "PiecewiseConstantDecay(");
    l.push_back("    boundaries=[m - 1 for m in " + milestones + "],");
    l.push_back("    values=[" + lr + " * " + gamma + " ** i for i in range(len(" + milestones +
                ") + 1)],");
    l.push_back(")");
  }
  return s;
}

}  // namespace

bool has_batch_schedule(const std::string& kind) {
  return kind == "one_cycle" || kind == "step" || kind == "exponential" || kind == "multistep" ||
         kind == "linear";
}

BatchScheduleSpelling spell_batch_schedule(
    const pivot::Schedule& schedule, const std::string& keras, const SetupValue& base_lr,
    const std::function<std::string(const SetupValue&)>& value) {
  if (schedule.kind == "one_cycle") return one_cycle(schedule, keras, value);
  if (has_batch_schedule(schedule.kind)) return decay_builtin(schedule, keras, base_lr, value);
  BatchScheduleSpelling s;
  s.problems.push_back("the schedule '" + schedule.kind +
                       "' stepped every batch has no Keras spelling yet");
  return s;
}

}  // namespace nnport::writers::keras
