// Keras spellings of the tensor functions of user-defined loss and metric functions
// (function_table.h): keras.ops (Keras 3), tf.* / tf.math.* (TensorFlow), keras.backend (tf.keras
// 2), and the loss/metric functions of keras.losses / keras.metrics, which reduce the last axis
// (mean_squared_error(y_true, y_pred) = mean(square(y_true - y_pred), axis=-1)). Names are
// canonical (tf.keras.x -> keras.x, tf.x -> tensorflow.x) as the script reader qualifies them.
#include "frameworks/function_table.h"

namespace nnport::frameworks::keras {

const std::vector<FunctionRow>& tensor_function_rows() {
  static const std::vector<FunctionRow> rows = [] {
    std::vector<FunctionRow> r;
    auto elementwise = [&](const char* canonical, std::vector<const char*> spellings) {
      for (const char* s : spellings) r.push_back({canonical, s});
    };
    auto reduction = [&](const char* canonical, std::vector<const char*> spellings) {
      for (const char* s : spellings) r.push_back({canonical, s, nullptr, true});
    };
    elementwise("square", {"keras.ops.square", "tensorflow.square", "tensorflow.math.square",
                           "keras.backend.square"});
    elementwise("sqrt", {"keras.ops.sqrt", "tensorflow.sqrt", "tensorflow.math.sqrt",
                         "keras.backend.sqrt"});
    elementwise("abs", {"keras.ops.abs", "keras.ops.absolute", "tensorflow.abs",
                        "tensorflow.math.abs", "keras.backend.abs"});
    elementwise("exp",
                {"keras.ops.exp", "tensorflow.exp", "tensorflow.math.exp", "keras.backend.exp"});
    elementwise("log", {"keras.ops.log", "tensorflow.math.log", "keras.backend.log"});
    elementwise("maximum", {"keras.ops.maximum", "tensorflow.maximum", "tensorflow.math.maximum",
                            "keras.backend.maximum"});
    elementwise("minimum", {"keras.ops.minimum", "tensorflow.minimum", "tensorflow.math.minimum",
                            "keras.backend.minimum"});
    reduction("mean", {"keras.ops.mean", "tensorflow.reduce_mean", "tensorflow.math.reduce_mean",
                       "keras.backend.mean"});
    reduction("sum", {"keras.ops.sum", "tensorflow.reduce_sum", "tensorflow.math.reduce_sum",
                      "keras.backend.sum"});
    reduction("max", {"keras.ops.max", "tensorflow.reduce_max", "tensorflow.math.reduce_max",
                      "keras.backend.max"});
    reduction("min", {"keras.ops.min", "tensorflow.reduce_min", "tensorflow.math.reduce_min",
                      "keras.backend.min"});
    elementwise("mean_squared_error",
                {"keras.losses.mean_squared_error", "keras.losses.mse", "keras.losses.MSE",
                 "keras.metrics.mean_squared_error", "keras.metrics.mse", "keras.metrics.MSE"});
    elementwise("mean_absolute_error",
                {"keras.losses.mean_absolute_error", "keras.losses.mae", "keras.losses.MAE",
                 "keras.metrics.mean_absolute_error", "keras.metrics.mae", "keras.metrics.MAE"});
    return r;
  }();
  return rows;
}

const std::vector<FunctionConstantRow>& tensor_function_constants() {
  // The default configuration's fuzz factor.
  static const std::vector<FunctionConstantRow> rows = {
      {"keras.backend.epsilon", "1e-07"},
      {"keras.config.epsilon", "1e-07"},
  };
  return rows;
}

}  // namespace nnport::frameworks::keras
