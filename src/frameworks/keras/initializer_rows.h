// Keras initializers in the pivot's terms (pivot/initializer.h): what each Keras identifier and
// initializer class means, and which initializer argument and default each layer variable has
// (Keras 3 defaults; tf.keras 2.x agrees).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pivot/initializer.h"

namespace nnport::frameworks::keras {

struct InitializerRow {
  const char* identifier;  // the string form: kernel_initializer="he_normal"
  const char* class_name;  // keras.initializers.HeNormal
  pivot::InitKind kind;
  // Constructor keywords in positional order with their Keras defaults, in the order of the
  // pivot kind's numbers (VarianceScaling: scale; mode and distribution are strings).
  std::vector<std::pair<const char*, double>> numbers;
  // VarianceScaling instances (glorot, he, lecun) fix these; variance_scaling reads them.
  double scale = 1.0;
  pivot::FanMode mode = pivot::FanMode::In;
  pivot::Distribution distribution = pivot::Distribution::TruncatedNormal;
};

const std::vector<InitializerRow>& initializer_rows();
// By identifier, class name or Keras' other accepted spellings ("uniform", "zero"); null when
// unknown.
const InitializerRow* find_initializer(const std::string& name);

// The initializer of a layer variable: the constructor keyword that sets it and its default.
struct VariableInitRow {
  const char* layer_class;  // "" for every layer class
  const char* variable;     // Keras variable name ("kernel", "recurrent_kernel", "gamma")
  const char* argument;     // "kernel_initializer"
  const char* fallback;     // Keras' default identifier
};

const std::vector<VariableInitRow>& variable_init_rows();
// The row for `variable` of `layer_class` (a class row before the generic one); null when none.
const VariableInitRow* find_variable_init(const std::string& layer_class,
                                          const std::string& variable);

// Keras' fans of a variable of shape `shape` (keras.src.initializers compute_fans): a kernel
// (..., in, out) has fan_in = in * prod(...), fan_out = out * prod(...).
std::pair<int64_t, int64_t> keras_fans(const std::vector<int64_t>& shape);

}  // namespace nnport::frameworks::keras
