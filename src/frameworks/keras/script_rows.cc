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
  };
  return rows;
}

const ScriptNameRow* find_script_name(std::string_view symbol) {
  for (const auto& r : script_name_rows())
    if (r.symbol == symbol) return &r;
  return nullptr;
}

}  // namespace nnport::frameworks::keras
