// The Keras ScriptRecognizer: claims the framework statements of a Keras training script (the
// statements that build the model, compile/fit/evaluate/predict, save/load_weights, optimiser,
// loss and callback objects, tf.data pipelines, image_dataset_from_directory, seeds) and turns
// them into typed pivot::ScriptSteps. NumPy code is framework-free and stays verbatim.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
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
  // Every name the script bound to a fit() History (directly, or returned by a training helper).
  const std::set<std::string>& history_names() const { return history_names_; }

  // The steps of a custom training step's body (script_custom_steps.cc): Forward, LossCall,
  // AddModelLosses, Gradients, ApplyGradients, MetricUpdate/MetricReset for the statements of a
  // GradientTape step (`with tf.GradientTape() as tape: ...`, `tape.gradient(loss,
  // model.trainable_weights)`, `optimizer.apply_gradients(...)`), with the model, optimizer,
  // loss and metric objects bound in ctx.vars (a `def train_step(self, data)` override binds
  // `self` as the model); everything else is walked as any body.
  std::vector<pivot::ScriptStep> read_gradient_step(syntax::Node body, ScriptContext& ctx);

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
  // `given`: parts of the statement already mapped (a nested model.predict(...) and the
  // variable that now holds its value), written as given.
  bool claim_framework_names(syntax::Node stmt, ScriptContext& ctx,
                             std::vector<pivot::ScriptStep>& out,
                             const std::vector<std::pair<syntax::Node, std::string>>& given = {});
  // `print(model.evaluate(x, y))`, `np.argmax(model.predict(x), axis=-1)`: the model's
  // evaluate/predict inside a framework-free statement becomes a step of its own binding a new
  // variable, which the statement reads (script_nested_calls.cc).
  bool claim_nested_model_calls(syntax::Node stmt, ScriptContext& ctx,
                                std::vector<pivot::ScriptStep>& out);
  // `bn1 = model.layers[1]`, `model.get_layer("dense")`, `autoencoder.encoder(x)`: parts of the
  // model the migrated module does not expose the same way, reported with the reason; what the
  // statement binds is then a framework object (script_nested_calls.cc).
  bool claim_model_parts(syntax::Node stmt, ScriptContext& ctx,
                         std::vector<pivot::ScriptStep>& out);
  // `AUTOTUNE = tf.data.AUTOTUNE`, `train_ds = train_ds.cache().prefetch(AUTOTUNE)` on a dataset
  // of the script: pipeline tuning the DataLoader does without (script_dataset_passes.cc).
  bool claim_dataset_passes(syntax::Node stmt, syntax::Node right,
                            const std::vector<std::string>& targets, ScriptContext& ctx,
                            std::vector<pivot::ScriptStep>& out);
  std::set<std::string> autotune_names_;
  // `base`, or `base_1`, ...: a name the script does not use yet.
  std::string fresh_name(const std::string& base, const ScriptContext& ctx);
  std::set<std::string> script_names_;
  // `callbacks = [keras.callbacks.EarlyStopping(...), ...]`: kept until fit(callbacks=...).
  bool claim_callback_list(syntax::Node stmt, syntax::Node list, const std::string& variable,
                           ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // `model = keras.models.load_model("best.keras", custom_objects=...)` reloading the migrated
  // model from its own checkpoint: a LoadWeights step (the state_dict the script saved).
  bool claim_reload(syntax::Node stmt, syntax::Node right, const std::string& variable,
                    ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // `ds = ds.shuffle(1024).batch(64)` on a from_tensor_slices dataset built unbatched by an
  // earlier statement: the same pipeline written in two statements (script_names.cc).
  bool claim_dataset_rebatch(syntax::Node stmt, syntax::Node call, const std::string& variable,
                             ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);

  // `def compile_and_fit(model, window, patience=2):` whose body compiles, fits or evaluates
  // the parameter `model` (script_helpers.cc): a Block whose Compile/Train/Evaluate steps are
  // bound to the parameter (ScriptStep::variable); the function stays a function.
  bool claim_model_helper(syntax::Node stmt, ScriptContext& ctx,
                          std::vector<pivot::ScriptStep>& out);
  // `history = compile_and_fit(multi_conv_model, multi_window)`: a call of such a helper stays
  // a call (Verbatim), when its other arguments are framework-free.
  bool claim_helper_return(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  bool claim_helper_call(syntax::Node stmt, ScriptContext& ctx,
                         std::vector<pivot::ScriptStep>& out);
  // `window.train` inside such a helper: data made elsewhere (an "iterable" dataset).
  bool opaque_parameter_data(syntax::Node x) const;
  // `normalizer.adapt(x)` / `model.norm.adapt(x)` on a Normalization layer of the model
  // (script_adapt.cc): an Adapt step, held back until the model is built when it comes first.
  bool claim_adapt(syntax::Node stmt, syntax::Node call, ScriptContext& ctx,
                   std::vector<pivot::ScriptStep>& out);
  // `normalizer = layers.Normalization(...)`: remembers the Keras layer name it gets.
  void note_normalization(syntax::Node right, const std::string& variable,
                          const ScriptContext& ctx);

  std::string qualified(syntax::Node expr, const ScriptContext& ctx) const;
  bool builds_model(syntax::Node expr, const ScriptContext& ctx) const;
  // Module-level Functional code: an Input, a layer, or a layer applied to a graph tensor.
  bool builds_graph(syntax::Node right, const ScriptContext& ctx) const;

  void read_compile(syntax::Node call, ScriptContext& ctx);
  bool read_optimizer(syntax::Node expr, ScriptContext& ctx, std::string& why);
  // A keras.optimizers.schedules object (`ExponentialDecay(...)`) as a Schedule stepped every
  // batch, named `variable`. False with `why` when it has no mapping.
  bool read_schedule(syntax::Node call, const std::string& variable, ScriptContext& ctx,
                     pivot::Schedule& out, std::string& why);
  // The optimiser's learning_rate given as a schedule (a variable bound to one, or the call
  // inline): the schedule joins the setup and the optimiser starts from lr=1.0, which the
  // target's per-step factor scales to the schedule's rate.
  bool attach_schedule(syntax::Node rate, pivot::Optimizer& o, ScriptContext& ctx,
                       std::string& why);
  // `def get_optimizer(): return keras.optimizers.Adam(lr_schedule)`: a function without
  // parameters returning an optimiser, read where compile(optimizer=get_optimizer()) calls it.
  bool claim_optimizer_helper(syntax::Node stmt, ScriptContext& ctx,
                              std::vector<pivot::ScriptStep>& out);
  bool read_loss(syntax::Node expr, ScriptContext& ctx, std::string& why);
  void read_metrics(syntax::Node expr, ScriptContext& ctx);
  // compile(loss=[...] / {...} / one loss, loss_weights=...) for a model with several outputs:
  // setup.output_losses in the model's output order.
  bool read_output_losses(syntax::Node loss, syntax::Node weights, ScriptContext& ctx,
                          std::string& why);
  // fit/evaluate targets given as a dict keyed by output name: a list in output order.
  std::optional<pivot::SetupValue> targets_in_output_order(syntax::Node y, ScriptContext& ctx);
  bool read_callbacks(syntax::Node expr, ScriptContext& ctx, std::string& why);
  // A dataset for fit/evaluate arguments: a recorded dataset variable, or NumPy arrays
  // (a new "arrays" dataset named `name`). Returns its variable.
  std::string data_argument(syntax::Node x, syntax::Node y, const std::string& name,
                            ScriptContext& ctx);

  // Custom training loops (script_custom_steps.cc): a step function (`@tf.function def
  // train_step`), a GradientTape block, a loop over a dataset, a step's statements, metric
  // objects and the statements that only read their result().
  bool claim_custom_step(syntax::Node stmt, ScriptContext& ctx,
                         std::vector<pivot::ScriptStep>& out);
  bool claim_step_function(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  bool claim_gradient_tape(syntax::Node stmt, ScriptContext& ctx,
                           std::vector<pivot::ScriptStep>& out);
  bool claim_dataset_loop(syntax::Node stmt, ScriptContext& ctx,
                          std::vector<pivot::ScriptStep>& out);
  bool claim_model_losses(syntax::Node stmt, syntax::Node aug, ScriptContext& ctx,
                          std::vector<pivot::ScriptStep>& out);
  bool claim_metric_object(syntax::Node stmt, syntax::Node call, const std::string& variable,
                           ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  bool metric_reads_only(syntax::Node stmt, ScriptContext& ctx,
                         std::vector<pivot::ScriptStep>& out);
  // `model.trainable_weights` / `model.trainable_variables` of the model.
  bool is_model_weights(syntax::Node expr, const ScriptContext& ctx) const;
  std::set<std::string> tapes_;           // `tape` of `with tf.GradientTape() as tape`
  std::set<std::string> gradients_;       // `grads = tape.gradient(...)`
  std::set<std::string> metric_objects_;  // `train_acc = keras.metrics.X()`
  bool in_gradient_tape_ = false;
  int custom_depth_ = 0;  // inside a step function or a loop over a dataset

  std::string model_variable_;
  std::set<std::string> framework_names_;
  std::map<std::string, pivot::Callback> callback_vars_;
  std::map<std::string, pivot::Schedule> plateau_vars_;
  std::map<std::string, pivot::Schedule> schedule_vars_;   // `lr_schedule = ExponentialDecay(...)`
  std::map<std::string, syntax::Node> optimizer_helpers_;  // get_optimizer -> its returned call
  std::map<std::string, size_t> dataset_vars_;
  std::map<std::string, std::vector<pivot::Callback>> callback_lists_;
  std::map<std::string, std::vector<pivot::Schedule>> plateau_lists_;
  std::map<std::string, std::string> dataset_modules_;  // alias -> "keras.datasets.mnist"
  // Steps of a builder function's own compile()/summary(), written after the statement that
  // calls the builder (builder name -> steps).
  std::map<std::string, std::vector<pivot::ScriptStep>> builder_steps_;
  std::set<std::string> wrapped_models_;  // `probability_model` (Sequential([model, Softmax()]))
  std::set<std::string> other_models_;    // models of the file other than the migrated one
  int generated_datasets_ = 0;

  // Training helpers (script_helpers.cc): the model parameter of the helper being walked, its
  // other parameters, and each helper function's model parameter index.
  std::string helper_model_;
  std::set<std::string> helper_params_;
  std::map<std::string, size_t> model_helpers_;
  std::set<std::string> history_names_;
  // Where a helper returns its model parameter: the position and the number of values returned
  // (`return history, model`: {1, 2}).
  std::map<std::string, std::pair<size_t, size_t>> helper_model_returns_;

  bool numpy_as_np_ = false;  // `import numpy as np` seen (NumPy spellings use `np`)

  // User-defined loss/metric functions (script_functions.cc): `def f(y_true, y_pred):` whose
  // body uses keras.ops / tf.* / keras.backend / keras.losses functions, or a factory returning
  // such a closure, becomes a Function step (Script::functions) translated statement by
  // statement; untranslatable statements are reported at their line.
  bool claim_function(syntax::Node stmt, ScriptContext& ctx, std::vector<pivot::ScriptStep>& out);
  // `loss=contrastive_loss` / `loss=loss(margin=margin)` / `metrics=[last_time_step_mse]`: the
  // callable's expression when it names such a function (or calls its factory), else empty.
  std::string custom_callable(syntax::Node expr, const ScriptContext& ctx,
                              std::string* function_name = nullptr) const;
  // compile(metrics=[...] / {...} / [[...], [...]]) for a model with several outputs
  // (script_output_metrics.cc): setup.metrics, each bound to its output.
  bool read_output_metrics(syntax::Node metrics, ScriptContext& ctx, std::string& why);
  // One metric entry (a string, a metrics object, a custom function) for the loss `loss`; false
  // when it has no mapping (reported by the caller).
  bool read_metric(syntax::Node m, const pivot::Loss* loss, ScriptContext& ctx,
                   pivot::Metric& metric);
  // fit/evaluate/predict inputs given as a dict keyed by the model's Input names: a list in the
  // model's input order.
  std::optional<pivot::SetupValue> inputs_in_model_order(syntax::Node x, ScriptContext& ctx);
  std::map<std::string, size_t> functions_;  // function (or factory) name -> Script::functions
  std::map<std::string, std::string> normalization_layers_;  // variable -> Keras layer name
  int normalizations_ = 0;                         // Normalization layers constructed so far
  std::vector<pivot::ScriptStep> pending_adapts_;  // adapt() before the model is built
};

}  // namespace nnport::readers::keras
