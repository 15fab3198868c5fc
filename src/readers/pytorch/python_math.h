// Python's math module on constants inside forward() (`x * math.sqrt(self.d_model)`).
#pragma once

#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

// math.sqrt / log / exp / pow / floor / ceil / fabs of constant numbers; nullopt for other names
// or arguments that are not constant numbers.
std::optional<TValue> python_math(const std::string& qualified, const CallArgs& args);

}  // namespace nnport::readers::pytorch
