// SGD/RMSprop momentum under a changing learning rate differs between the frameworks: Keras adds
// -rate * gradient to the momentum (each gradient scaled by its own step's rate), PyTorch
// multiplies the whole momentum buffer by the current rate. With a constant rate both give the
// same updates; once a schedule changes the rate they differ, which both writers report.
#pragma once

#include "pivot/training.h"

namespace nnport::pivot {

inline bool momentum_scales_with_rate(const Optimizer& optimizer) {
  if (optimizer.kind != "sgd" && optimizer.kind != "rmsprop") return false;
  auto it = optimizer.args.find("momentum");
  if (it == optimizer.args.end()) return false;
  const SetupValue& m = it->second;
  if (m.kind == SetupValue::Kind::Float) return m.f != 0;
  if (m.kind == SetupValue::Kind::Int) return m.i != 0;
  return m.set();  // an expression: possibly non-zero
}

}  // namespace nnport::pivot
