// Keras learning-rate schedule objects (keras.optimizers.schedules, given to an optimiser as its
// learning_rate) written for PyTorch: a function with Keras' closed form of the rate at optimizer
// step `step`, and a LambdaLR stepped after every optimizer.step(). Keras evaluates the schedule
// at the optimiser's step count before each update (step 0 for the first batch), LambdaLR at the
// number of scheduler.step() calls so far: the same count. The closed form is exact at every
// step, also past decay_steps, where the nearest built-in schedulers differ (CosineAnnealingLR
// rises again after T_max, CosineDecay stays at alpha; StepLR/ExponentialLR multiply in place).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pivot/training.h"

namespace nnport::writers::pytorch {

struct KerasScheduleSpelling {
  std::vector<std::string> lines;  // `def <name>(step): ...` and `<scheduler> = LambdaLR(...)`
  std::string problem;             // non-empty: no PyTorch spelling (a TODO marker)
  bool needs_math = false;
};

// Is this catalog kind a Keras schedule object (closed form of the optimizer step)?
bool is_keras_schedule(const std::string& kind);
// `optimizer`: the optimiser variable, created with lr=1.0 (the reader's choice) so that
// LambdaLR's factor is the rate itself; `scheduler`: the variable to bind; `py` spells a value.
KerasScheduleSpelling spell_keras_schedule(
    const pivot::Schedule& schedule, const std::string& optimizer, const std::string& scheduler,
    const std::function<std::string(const pivot::SetupValue&)>& py);

}  // namespace nnport::writers::pytorch
