// Keras schedule objects as LambdaLR closed forms (see keras_schedules.h). The formulas are
// those of keras/src/optimizers/schedules/learning_rate_schedule.py (Keras 3), computed here in
// float64 where Keras computes in float32 (relative differences of ~1e-7 in the rate).
#include "writers/pytorch/keras_schedules.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::SetupValue;

bool is_true(const SetupValue& v) { return v.kind == SetupValue::Kind::Bool && v.b; }

bool is_none(const SetupValue& v) {
  return !v.set() || (v.kind == SetupValue::Kind::Expr && v.text == "None");
}

}  // namespace

bool is_keras_schedule(const std::string& kind) {
  return kind == "exponential_decay" || kind == "inverse_time_decay" ||
         kind == "piecewise_constant" || kind == "polynomial_decay" || kind == "cosine_decay";
}

KerasScheduleSpelling spell_keras_schedule(
    const pivot::Schedule& sch, const std::string& optimizer, const std::string& scheduler,
    const std::function<std::string(const SetupValue&)>& py) {
  KerasScheduleSpelling s;
  auto arg = [&](const std::string& name) {
    auto it = sch.args.find(name);
    return it == sch.args.end() ? SetupValue{} : it->second;
  };
  // Sub-expressions are parenthesised: they may be the source's own expressions
  // (STEPS_PER_EPOCH*1000).
  auto v = [&](const std::string& name) { return "(" + py(arg(name)) + ")"; };
  const std::string name = sch.variable.empty() ? "learning_rate_schedule" : sch.variable;
  std::vector<std::string> body;
  const std::string cls = sch.kind;
  if (sch.kind == "exponential_decay" || sch.kind == "inverse_time_decay") {
    const bool staircase = is_true(arg("staircase"));
    const std::string p =
        staircase ? "math.floor(step / " + v("decay_steps") + ")" : "step / " + v("decay_steps");
    s.needs_math = staircase;
    if (sch.kind == "exponential_decay")
      body.push_back("return " + v("initial_learning_rate") + " * " + v("decay_rate") + " ** (" +
                     p + ")");
    else
      body.push_back("return " + v("initial_learning_rate") + " / (1 + " + v("decay_rate") + " * " +
                     p + ")");
  } else if (sch.kind == "piecewise_constant") {
    // values[0] while step <= boundaries[0], values[i] once step > boundaries[i - 1].
    body.push_back("return " + v("values") + "[sum(step > b for b in " + v("boundaries") + ")]");
  } else if (sch.kind == "polynomial_decay") {
    if (is_true(arg("cycle"))) {
      s.needs_math = true;
      body.push_back("# cycle: the first multiple of decay_steps at or above step (1 at step 0).");
      body.push_back("decay_steps = " + v("decay_steps") + " * (math.ceil(step / " +
                     v("decay_steps") + ") if step > 0 else 1)");
    } else {
      body.push_back("decay_steps = " + v("decay_steps"));
      body.push_back("step = min(step, decay_steps)");
    }
    body.push_back("return (" + v("initial_learning_rate") + " - " + v("end_learning_rate") +
                   ") * (1 - step / decay_steps) ** " + v("power") + " + " +
                   v("end_learning_rate"));
  } else if (sch.kind == "cosine_decay") {
    s.needs_math = true;
    const std::string decay = "(1 - " + v("alpha") + ") * 0.5 * (1 + math.cos(math.pi * ";
    if (is_none(arg("warmup_target"))) {
      body.push_back("step = min(step, " + v("decay_steps") + ")");
      body.push_back("return " + v("initial_learning_rate") + " * (" + decay + "step / " +
                     v("decay_steps") + ")) + " + v("alpha") + ")");
    } else {
      body.push_back("step = min(step, " + v("decay_steps") + " + " + v("warmup_steps") + ")");
      body.push_back("if step < " + v("warmup_steps") + ":  # linear warmup to warmup_target");
      body.push_back("    return (" + v("warmup_target") + " - " + v("initial_learning_rate") +
                     ") * (step / " + v("warmup_steps") + ") + " + v("initial_learning_rate"));
      body.push_back("return " + v("warmup_target") + " * (" + decay + "(step - " +
                     v("warmup_steps") + ") / " + v("decay_steps") + ")) + " + v("alpha") + ")");
    }
  } else {
    s.problem = "the schedule '" + cls + "' has no PyTorch spelling yet";
    return s;
  }
  auto& l = s.lines;
  l.push_back(
      "# The Keras schedule's rate at optimizer step `step` (the number of updates so far).");
  l.push_back("def " + name + "(step):");
  for (const auto& b : body) l.push_back("    " + b);
  l.push_back("");
  l.push_back("");
  l.push_back("# Keras evaluates the schedule before every update: LambdaLR with its closed form,");
  l.push_back("# stepped after every optimizer.step(), scales the optimiser's lr=1.0 to that rate");
  l.push_back("# (exact at every step, also after decay_steps).");
  l.push_back(scheduler + " = torch.optim.lr_scheduler.LambdaLR(" + optimizer + ", " + name + ")");
  return s;
}

}  // namespace nnport::writers::pytorch
