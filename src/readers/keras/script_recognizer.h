// The Keras ScriptRecognizer: claims the framework statements of a Keras training script (the
// statements that build the model, compile/fit/evaluate/predict, save/load_weights, optimiser,
// loss and callback objects, tf.data pipelines, image_dataset_from_directory, seeds) and turns
// them into typed pivot::ScriptSteps. NumPy code is framework-free and stays verbatim.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "frameworks/training_table.h"
#include "readers/script_walker.h"

namespace nnport::readers::keras {

class KerasScriptRecognizer : public ScriptRecognizer {
 public:
  // `model_variable`: the module-level variable the model reader built the model from (empty
  // when the model is a class or builder function, listed in ctx.model_definitions).
  explicit KerasScriptRecognizer(std::string model_variable);

  bool claim(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out) override;
  bool touches_framework(syntax::Node node, const ScriptContext& ctx) const override;
  bool is_framework_import(syntax::Node stmt) const override;
  bool claim_in_definition(syntax::Node definition, syntax::Node stmt, ScriptContext& ctx) override;

  // Names the module's framework imports bind (`keras`, `layers`, `tf`, `Dense`...).
  void collect_framework_names(syntax::Node module);

 private:
  bool claim_assignment(syntax::Node stmt, syntax::Node assign, ScriptContext& ctx,
                        std::vector<pivot::ScriptStep>& out);
  bool claim_call(syntax::Node stmt, syntax::Node call, const std::vector<std::string>& targets,
                  ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  bool model_method(syntax::Node stmt, syntax::Node call, const std::string& method,
                    const std::vector<std::string>& targets, ScriptContext& ctx,
                    std::vector<pivot::ScriptStep>& out);

  // `(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()` (or through a
  // module alias, `mnist = tf.keras.datasets.mnist`): a "builtin" dataset (script_rows.h).
  // The keras.datasets row of a module symbol ("keras.datasets.mnist"), else null.
  static const frameworks::SetupRow* dataset_row(const std::string& symbol);
  bool claim_builtin_dataset(syntax::Node stmt, syntax::Node left, syntax::Node call,
                             ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // A statement that is framework-free but for names with a framework-free value
  // (`x[..., tf.newaxis]`) or whose only framework use is informative (`print(tf.__version__)`).
  bool claim_framework_names(syntax::Node stmt, ScriptContext& ctx,
                             std::vector<pivot::ScriptStep>& out);
  // `callbacks = [keras.callbacks.EarlyStopping(...), ...]`: kept until fit(callbacks=...).
  bool claim_callback_list(syntax::Node stmt, syntax::Node list, const std::string& variable,
                           ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);

  std::string qualified(syntax::Node expr, const ScriptContext& ctx) const;
  bool builds_model(syntax::Node expr, const ScriptContext& ctx) const;
  // Module-level Functional code: an Input, a layer, or a layer applied to a graph tensor.
  bool builds_graph(syntax::Node right, const ScriptContext& ctx) const;

  void read_compile(syntax::Node call, ScriptContext& ctx);
  bool read_optimizer(syntax::Node expr, ScriptContext& ctx, std::string& why);
  bool read_loss(syntax::Node expr, ScriptContext& ctx, std::string& why);
  void read_metrics(syntax::Node expr, ScriptContext& ctx);
  bool read_callbacks(syntax::Node expr, ScriptContext& ctx, std::string& why);
  // A dataset for fit/evaluate arguments: a recorded dataset variable, or NumPy arrays
  // (a new "arrays" dataset named `name`). Returns its variable.
  std::string data_argument(syntax::Node x, syntax::Node y, const std::string& name,
                            ScriptContext& ctx);

  std::string model_variable_;
  std::set<std::string> framework_names_;
  std::map<std::string, pivot::Callback> callback_vars_;
  std::map<std::string, pivot::Schedule> plateau_vars_;
  std::map<std::string, size_t> dataset_vars_;
  std::map<std::string, std::vector<pivot::Callback>> callback_lists_;
  std::map<std::string, std::vector<pivot::Schedule>> plateau_lists_;
  std::map<std::string, std::string> dataset_modules_;  // alias -> "keras.datasets.mnist"
  // Steps of a builder function's own compile()/summary(), written after the statement that
  // calls the builder (builder name -> steps).
  std::map<std::string, std::vector<pivot::ScriptStep>> builder_steps_;
  int generated_datasets_ = 0;
  bool numpy_as_np_ = false;  // `import numpy as np` seen (NumPy spellings use `np`)
};

}  // namespace nnport::readers::keras
