// Keras / TensorFlow names a training script uses around the model that are no training objects
// (optimisers, losses, metrics, callbacks and keras.datasets are training_rows.cc): names that
// stand for framework-free values, or whose only use is informative. The Keras script reader
// looks statements up here; a framework name without a row stays `script-unsupported`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nnport::frameworks::keras {

// A framework name inside an otherwise framework-free statement.
struct ScriptNameRow {
  std::string symbol;       // qualified: "tensorflow.newaxis"
  std::string neutral;      // framework-free Python with the same value ("None"); empty: none
  std::string drop_reason;  // no neutral value: the statement is dropped (reported) for this
  // A call statement with nothing to do in the target: written as this comment line instead
  // (the reader keeps it so that the reader of the migrated script sees where it went).
  std::string comment;
};

const std::vector<ScriptNameRow>& script_name_rows();
const ScriptNameRow* find_script_name(std::string_view symbol);

// A framework function applied to NumPy arrays outside the model (noisy copies of the data, a
// baseline's error, a batch of one image, probabilities from predict's logits): the NumPy
// expression computing the same values, so that the statement stays framework-free.
struct ArrayCallParam {
  ArrayCallParam(std::string n, std::string by_default = "", bool no_counterpart = false)
      : name(std::move(n)), default_value(std::move(by_default)), unmapped(no_counterpart) {}
  std::string name;
  // Written when the call leaves the parameter out; empty: the parameter is required.
  std::string default_value;
  // A parameter nnport has no NumPy counterpart for (a per-op seed): the call is not mapped
  // when it is given.
  bool unmapped = false;
};
struct ArrayCallRow {
  std::string symbol;                  // qualified: "tensorflow.clip_by_value"
  std::vector<ArrayCallParam> params;  // in the function's positional order
  std::string numpy;                   // `{name}`: the argument's framework-free text
  std::string warning;                 // said at the call (a training-convention warning)
};

const std::vector<ArrayCallRow>& array_call_rows();
const ArrayCallRow* find_array_call(std::string_view symbol);

}  // namespace nnport::frameworks::keras
