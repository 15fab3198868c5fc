// Keras script names (see script_rows.h).
#include "frameworks/keras/script_rows.h"

namespace nnport::frameworks::keras {

const std::vector<ScriptNameRow>& script_name_rows() {
  static const std::vector<ScriptNameRow> rows = {
      // x[..., tf.newaxis] on a NumPy array: NumPy's own spelling of a new axis.
      {"tensorflow.newaxis", "None", "", ""},
      {"tensorflow.__version__", "",
       "prints the TensorFlow version; the migrated script does not use TensorFlow", ""},
      {"keras.__version__", "", "prints the Keras version; the migrated script does not use Keras",
       ""},
      // Keras' global state (layer-name counters, the TensorFlow graph): PyTorch keeps none.
      {"keras.backend.clear_session", "", "",
       "keras.backend.clear_session(): nothing to reset in PyTorch (no global graph or layer "
       "names)"},
      {"keras.utils.clear_session", "", "",
       "keras.utils.clear_session(): nothing to reset in PyTorch (no global graph or layer "
       "names)"},
      // dtype arguments: NumPy takes the same names as strings.
      {"tensorflow.float16", "\"float16\"", "", ""},
      {"tensorflow.float32", "\"float32\"", "", ""},
      {"tensorflow.float64", "\"float64\"", "", ""},
      {"tensorflow.int32", "\"int32\"", "", ""},
      {"tensorflow.int64", "\"int64\"", "", ""},
      {"tensorflow.uint8", "\"uint8\"", "", ""},
      {"tensorflow.bool", "\"bool\"", "", ""},
  };
  return rows;
}

namespace {

// TensorFlow's and Keras' random functions draw float32 unless told otherwise; NumPy draws
// float64 from its own generator.
const char* kOtherNumbers =
    "NumPy draws other random numbers than TensorFlow (the same distribution): results that "
    "depend on them differ from run to run as they would with another seed";

// Softmax over one axis, written once for any argument expression (NumPy has none built in).
std::string softmax(const char* x, const char* axis) {
  return std::string("(lambda z: np.exp(z - np.max(z, axis={") + axis +
         "}, keepdims=True)) / np.sum(np.exp(z - np.max(z, axis={" + axis +
         "}, keepdims=True)), axis={" + axis + "}, keepdims=True))(np.asarray({" + x + "}))";
}

// keras.losses / keras.metrics functions reduce the last axis (mean_squared_error(y_true,
// y_pred) = mean(square(y_true - y_pred), axis=-1)).
std::string last_axis_mean(const char* of) {
  return std::string("np.mean(") + of + "(np.asarray({y_true}) - np.asarray({y_pred})), axis=-1)";
}

}  // namespace

const std::vector<ArrayCallRow>& array_call_rows() {
  static const std::vector<ArrayCallRow> rows = [] {
    std::vector<ArrayCallRow> r;
    auto add = [&](std::vector<std::string> symbols, std::vector<ArrayCallParam> params,
                   const std::string& numpy, const std::string& warning = "") {
      for (auto& s : symbols) r.push_back({std::move(s), params, numpy, warning});
    };
    add({"tensorflow.random.normal", "keras.random.normal"},
        {{"shape"},
         {"mean", "0.0"},
         {"stddev", "1.0"},
         {"dtype", "\"float32\""},
         {"seed", "", true}},
        "np.random.normal({mean}, {stddev}, size={shape}).astype({dtype})", kOtherNumbers);
    add({"tensorflow.random.uniform", "keras.random.uniform"},
        {{"shape"},
         {"minval", "0.0"},
         {"maxval", "1.0"},
         {"dtype", "\"float32\""},
         {"seed", "", true}},
        "np.random.uniform({minval}, {maxval}, size={shape}).astype({dtype})", kOtherNumbers);
    add({"tensorflow.clip_by_value"}, {{"t"}, {"clip_value_min"}, {"clip_value_max"}},
        "np.clip({t}, {clip_value_min}, {clip_value_max})");
    add({"keras.ops.clip"}, {{"x"}, {"x_min"}, {"x_max"}}, "np.clip({x}, {x_min}, {x_max})");
    add({"tensorflow.expand_dims"}, {{"input"}, {"axis"}}, "np.expand_dims({input}, {axis})");
    add({"keras.ops.expand_dims"}, {{"x"}, {"axis"}}, "np.expand_dims({x}, {axis})");
    add({"tensorflow.squeeze"}, {{"input"}, {"axis", "None"}}, "np.squeeze({input}, axis={axis})");
    add({"keras.ops.squeeze"}, {{"x"}, {"axis", "None"}}, "np.squeeze({x}, axis={axis})");
    add({"tensorflow.cast"}, {{"x"}, {"dtype"}}, "np.asarray({x}).astype({dtype})");
    add({"tensorflow.convert_to_tensor", "keras.ops.convert_to_tensor"}, {{"value"}},
        "np.asarray({value})");
    add({"keras.ops.convert_to_numpy"}, {{"x"}}, "np.asarray({x})");
    add({"tensorflow.nn.softmax", "tensorflow.math.softmax"}, {{"logits"}, {"axis", "-1"}},
        softmax("logits", "axis"));
    add({"keras.activations.softmax", "keras.ops.softmax"}, {{"x"}, {"axis", "-1"}},
        softmax("x", "axis"));
    // tf.argmax's axis defaults to 0; keras.ops.argmax's to None (the flattened array).
    add({"tensorflow.argmax", "tensorflow.math.argmax"}, {{"input"}, {"axis", "0"}},
        "np.argmax({input}, axis={axis})");
    add({"keras.ops.argmax"}, {{"x"}, {"axis", "None"}}, "np.argmax({x}, axis={axis})");
    for (const auto& [reduce, numpy] : std::vector<std::pair<std::string, std::string>>{
             {"mean", "mean"}, {"sum", "sum"}, {"max", "max"}, {"min", "min"}}) {
      add({"tensorflow.reduce_" + reduce, "tensorflow.math.reduce_" + reduce},
          {{"input_tensor"}, {"axis", "None"}, {"keepdims", "False"}},
          "np." + numpy + "({input_tensor}, axis={axis}, keepdims={keepdims})");
      add({"keras.ops." + reduce}, {{"x"}, {"axis", "None"}, {"keepdims", "False"}},
          "np." + numpy + "({x}, axis={axis}, keepdims={keepdims})");
    }
    add({"keras.losses.mean_squared_error", "keras.losses.mse", "keras.losses.MSE",
         "keras.metrics.mean_squared_error", "keras.metrics.mse", "keras.metrics.MSE"},
        {{"y_true"}, {"y_pred"}}, last_axis_mean("np.square"));
    add({"keras.losses.mean_absolute_error", "keras.losses.mae", "keras.losses.MAE",
         "keras.metrics.mean_absolute_error", "keras.metrics.mae", "keras.metrics.MAE"},
        {{"y_true"}, {"y_pred"}}, last_axis_mean("np.abs"));
    return r;
  }();
  return rows;
}

const ArrayCallRow* find_array_call(std::string_view symbol) {
  for (const auto& r : array_call_rows())
    if (r.symbol == symbol) return &r;
  return nullptr;
}

const ScriptNameRow* find_script_name(std::string_view symbol) {
  for (const auto& r : script_name_rows())
    if (r.symbol == symbol) return &r;
  return nullptr;
}

}  // namespace nnport::frameworks::keras
