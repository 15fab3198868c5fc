// Keras / TensorFlow names a training script uses around the model that are no training objects
// (optimisers, losses, metrics, callbacks and keras.datasets are training_rows.cc): names that
// stand for framework-free values, or whose only use is informative. The Keras script reader
// looks statements up here; a framework name without a row stays `script-unsupported`.
#pragma once

#include <string>
#include <string_view>
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

}  // namespace nnport::frameworks::keras
