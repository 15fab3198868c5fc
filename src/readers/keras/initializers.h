// Keras initializers -> the pivot's rule of each parameter (conventions row 16). Internal to the
// Keras reader.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pivot/initializer.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

// The rule of an initializer argument for a variable of Keras shape `shape`: an identifier
// ("he_normal"), an initializer object (read as {"class_name": ..., "config": {...}}, Keras'
// serialised form, which layers also accept) or None (add_weight's default). nullopt with `why`
// when it is none of these.
std::optional<pivot::Initializer> read_initializer(const Value* argument, const char* fallback,
                                                   const std::vector<int64_t>& shape,
                                                   std::string& why);

// The variable's shape as Keras creates it (stored_shape, or the canonical shape un-permuted).
std::vector<int64_t> keras_shape(const pivot::Param& p);

// Fills the rule of every variable of a built-in layer just built: its initializer argument,
// otherwise Keras' default for that layer and variable. Reported (training-semantics) when an
// argument cannot be read; the parameter keeps no rule then.
void assign_initializers(Interpreter& in, const Layer& layer, Node site);

// An initializer object of keras.initializers called with `args`: its serialised form.
std::optional<Value> initializer_object(const std::string& name, const std::vector<Value>& args,
                                        const std::vector<std::pair<std::string, Value>>& kwargs);

}  // namespace nnport::readers::keras
