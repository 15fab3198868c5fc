// Learning-rate schedules the source steps after every batch (`scheduler.step()` inside the
// batch loop), written as a keras.optimizers.schedules.LearningRateSchedule subclass that the
// optimiser takes as its learning_rate: Keras evaluates it at optimizer.iterations, the number
// of steps taken, which is the source's scheduler step count at each optimizer.step().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pivot/training.h"

namespace nnport::writers::keras {

struct BatchScheduleSpelling {
  std::vector<std::string> lines;     // the class and `variable = Class(...)`
  std::vector<std::string> problems;  // what could not be expressed (TODO markers)
  bool needs_math = false;
};

// Does this schedule kind have a per-step Keras spelling?
bool has_batch_schedule(const std::string& kind);
// `base_lr`: the optimiser's learning rate (where StepLR and friends start from); `value`
// spells an argument in the target (e.g. `len(train_loader)` as the number of batches).
BatchScheduleSpelling spell_batch_schedule(
    const pivot::Schedule& schedule, const std::string& keras, const pivot::SetupValue& base_lr,
    const std::function<std::string(const pivot::SetupValue&)>& value);

}  // namespace nnport::writers::keras
