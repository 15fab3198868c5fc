// Keras model subclasses that only train other models (keras.io's GAN and VAE: train_step,
// compile and metrics overrides around models built elsewhere, and no call()). Keras cannot run
// such a model for inference, so it is no candidate for migration; the models it trains are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

// Why `cls` (a keras.Model subclass) is a training wrapper, e.g. "defines train_step but no
// call()", or nullopt. A subclass without call() that overrides no training method (a Functional
// model built in __init__) is a model like any other.
std::optional<std::string> training_wrapper_reason(const ClassDef& cls);

// Whether `cls` or a class of this file it derives from defines call().
bool defines_call(const ClassDef& cls);

// The calls `Name(inputs, outputs)` / `Name(inputs=..., outputs=...)` in `module`: a keras.Model
// subclass without call() built like a Functional model (keras.io's "customizing fit()" guide
// overrides only train_step). Such a class is the Functional model it is given.
std::vector<syntax::Node> functional_constructions(const std::string& name, syntax::Node module);

// `probability_model = keras.Sequential([model, layers.Softmax()])` (module level, `stmt`) where
// `model` is trained in `module` (fit) and the wrapper is not: the trained model followed by a
// softmax for prediction. Returns the wrapped model's name. The trained model is the one
// migrated; the training script writes the wrapper around it.
std::optional<std::string> softmax_wrapped_model(syntax::Node stmt, syntax::Node module);

}  // namespace nnport::readers::keras
