// The pivot's training setup and script: what a training script does around the network.
//
// A migrated script keeps its own structure. `Script` is the script's statements in order:
// framework-free code (argument parsing, logging, plotting, file handling) is carried as its
// source text, compound statements keep their headers, and every framework statement becomes a
// typed step that refers to the `TrainingSetup` (optimiser, loss, metrics, schedules, data
// pipelines, fit settings). Readers fill every hyper-parameter explicitly, with the SOURCE
// framework's default where the source left it out (`SetupValue::from_source` false); writers
// spell them in the target framework and write out every value whose default differs.
//
// Canonical names of optimisers, losses, metrics, schedules and their hyper-parameters are
// declared once in training_catalog.h; each framework maps to them with tables
// (src/frameworks/<fw>/training_rows.cc).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pivot/script_function.h"
#include "support/source_location.h"

namespace nnport::pivot {

// One value of the training setup. Literals are typed; a value the script computes (args.lr,
// EPOCHS, len(x_train) // 10) is an `Expr`: its Python text, made of framework-free names only,
// written to the target unchanged.
struct SetupValue {
  enum class Kind { Unset, Bool, Int, Float, String, Expr, List };
  Kind kind = Kind::Unset;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string text;               // String: the string; Expr: Python source text
  std::vector<SetupValue> items;  // List
  bool from_source = false;       // written in the source; false = the source framework's default
  SourceLocation location;

  bool set() const { return kind != Kind::Unset; }
  static SetupValue boolean(bool v) {
    SetupValue s;
    s.kind = Kind::Bool;
    s.b = v;
    return s;
  }
  static SetupValue integer(int64_t v) {
    SetupValue s;
    s.kind = Kind::Int;
    s.i = v;
    return s;
  }
  static SetupValue real(double v) {
    SetupValue s;
    s.kind = Kind::Float;
    s.f = v;
    return s;
  }
  static SetupValue string(std::string v) {
    SetupValue s;
    s.kind = Kind::String;
    s.text = std::move(v);
    return s;
  }
  static SetupValue expr(std::string python) {
    SetupValue s;
    s.kind = Kind::Expr;
    s.text = std::move(python);
    return s;
  }
};

// Canonical hyper-parameter name (training_catalog.h) -> value.
using SetupArgs = std::map<std::string, SetupValue>;

struct Optimizer {
  std::string kind;  // catalog name: "sgd", "adam", "adamw", "rmsprop", "adagrad", ...
  SetupArgs args;    // learning_rate, beta_1, beta_2, epsilon, momentum, nesterov, rho, ...
  // Weight decay is coupled (PyTorch SGD/Adam weight_decay: added to the gradient, = an L2 loss
  // term of weight_decay/2 * |w|^2) or decoupled (AdamW, Keras 3 weight_decay: w -= lr*wd*w).
  enum class Decay { None, Coupled, Decoupled };
  Decay decay = Decay::None;
  SetupValue weight_decay;
  // Gradient clipping: PyTorch clip_grad_norm_ over all parameters = Keras global_clipnorm;
  // Keras clipnorm is per tensor; clip_grad_value_ = clipvalue.
  enum class Clip { None, GlobalNorm, PerTensorNorm, Value };
  Clip clip = Clip::None;
  SetupValue clip_value;
  std::string variable;  // the script variable holding it ("optimizer"), empty for Keras strings
  SourceLocation location;
};

struct Loss {
  std::string kind;  // "cross_entropy", "binary_cross_entropy", "mse", "mae", "huber", "nll", ...
  SetupArgs args;    // reduction, label_smoothing, delta, ...
  // What the model output is: "logits" or "probabilities" (Keras losses from strings expect
  // probabilities unless from_logits=True; PyTorch's CrossEntropyLoss takes logits).
  std::string input_form = "logits";
  // Label form: "index" (class indices), "one_hot" (or probabilities), "binary", "value".
  std::string label_form = "index";
  std::string variable;  // "criterion"
  // kind "custom": a user function of Script::functions, called as Keras calls it (y_true,
  // y_pred) and averaged over all its values; `function` is the callable's Python expression
  // ("contrastive_loss", or the factory call "loss(margin=margin)").
  std::string function;
  SourceLocation location;
};

struct Metric {
  std::string kind;  // "accuracy" resolved: "sparse_categorical_accuracy", "categorical_accuracy",
                     // "binary_accuracy"; "mae", "mse", "auc", "precision", "recall", ...
  SetupArgs args;
  std::string display_name;  // the name the source reports it under ("accuracy", "acc")
  // kind "custom": the user function's callable expression (as Loss::function); its values are
  // averaged over the samples.
  std::string function;
  // A model with several outputs: the output it is computed on (its index in the migrated
  // model's outputs); -1 for a model with one output.
  int output = -1;
  // A metric object of the script (`train_acc = keras.metrics.SparseCategoricalAccuracy()`,
  // updated by a custom training step): its variable. Empty for compile()'s metrics.
  std::string variable;
  SourceLocation location;
};

struct Schedule {
  std::string kind;  // "step", "multistep", "exponential", "cosine", "reduce_on_plateau", ...
  SetupArgs args;    // step_size, gamma, milestones, t_max, eta_min, monitor, factor, patience
  std::string unit = "epoch";  // when it steps: "epoch" or "batch"
  std::string variable;        // "scheduler"
  SourceLocation location;
};

struct Callback {
  std::string kind;  // "early_stopping", "checkpoint", "csv_logger", ...
  SetupArgs args;    // monitor, patience, min_delta, mode, restore_best_weights, filepath, ...
  SourceLocation location;
};

// One step of a data pipeline, in order.
struct DataTransform {
  std::string kind;  // "rescale" (scale, offset), "normalize" (mean, std per channel), "resize"
                     // (height, width, interpolation), "to_float", "center_crop", "random_flip"
  SetupArgs args;
  bool training_only = false;  // augmentation
  SourceLocation location;
};

// Where a dataset's samples come from and how they are batched.
struct Dataset {
  std::string variable;  // the script variable ("train_loader", "train_ds")
  // "arrays": in-memory features/labels (`features`, `labels` hold their Python expressions,
  //           numpy-valued in the target); "csv": a table file; "image_folder": one folder per
  //           class; "tokens": token id sequences (arrays of ints); "split_of": part of another;
  //           "iterable": batches of (inputs, targets) made elsewhere (`window.train`, a helper's
  //           parameter), `features` holds the expression iterated; "builtin": a published
  //           dataset (args["name"]: "mnist", "fashion_mnist", "cifar10") read by the framework's
  //           own reader, `builtin_split` says which part.
  std::string kind = "arrays";
  SetupValue features, labels;  // arrays / tokens
  SetupArgs args;               // path, label_column, image_size, color_mode, seed, ...
  SetupValue batch_size;        // unset: not batched here (Keras fit batches)
  SetupValue shuffle;
  SetupValue drop_last;
  std::vector<DataTransform> transforms;
  std::string parent;         // split_of: the dataset split
  SetupValue split_fraction;  // split_of: this part's fraction
  std::string split_part;     // "training" | "validation" (the LAST fraction in Keras)
  // builtin: "train" or "test" (a String: one split, as torchvision's train=True/False), "both"
  // (Keras load_data(): the pair ((x_train, y_train), (x_test, y_test))), "word_index" (Keras
  // get_word_index(): the dict word -> id of a text dataset), or an Expr choosing
  // the training split when true (torchvision's train=flag).
  SetupValue builtin_split;
  SourceLocation location;
};

// A variable of the source's own evaluation bookkeeping and the quantity it holds after the
// loop, so that the target defines it from its evaluation results: "loss_mean", "loss_sum"
// (sum of per-sample losses), "loss_batch_sum" (sum of batch means), "sample_count",
// "batch_count", "metric_mean:<metric display name>", "metric_count:<display name>" (number of
// correct samples).
struct ResultBinding {
  std::string variable;
  std::string quantity;
};

// How the model is trained: Keras fit(...) or a PyTorch epoch loop.
struct Fit {
  std::string train_data;  // Dataset variable
  SetupValue epochs;
  SetupValue batch_size;        // when the data is not batched by its pipeline (Keras default 32)
  SetupValue shuffle;           // Keras fit shuffles each epoch by default
  std::string validation_data;  // Dataset variable, or empty
  SetupValue validation_split;  // Keras: the LAST fraction of the arrays, before shuffling
  SetupValue verbose;
  std::string history_variable;  // `history = model.fit(...)`
  // The source reads `history.epoch` (the epoch indices run) or `history.params` (verbose,
  // epochs, steps per epoch): the migrated History records them too.
  bool history_epoch = false;
  bool history_params = false;
  // The source's epoch loop kept around fit, because it runs statements every epoch: one fit
  // call per epoch (`initial_epoch` = the epoch's index counted from `epoch_start`), its history
  // in `history_variable`. Empty: one fit call runs all the epochs.
  std::string epoch_variable;
  SetupValue epoch_start;
  // Values of the source's batch loop its epoch statements read, defined from the epoch's
  // history (ResultBinding quantities of the training data, "loss_last": the loss tensor of
  // the last batch, given the epoch's mean loss).
  std::vector<ResultBinding> bindings;
  SourceLocation location;
};

struct Evaluate {
  std::string data;  // Dataset variable
  SetupValue batch_size;
  std::vector<std::string> result_variables;  // `loss, acc = model.evaluate(...)`
  // A PyTorch evaluation loop's accumulators (defined after the evaluation) and, for a helper
  // function's call, its return expression over them (assigned to result_variables).
  std::vector<ResultBinding> bindings;
  std::string result_expression;
  SourceLocation location;
};

// A prediction loop over a dataset (PyTorch, under torch.no_grad(): `for x, _ in loader:
// preds.append(model(x).argmax(1))`): each batch's outputs, their argmax over `argmax_axis`
// when set, appended to the list `collect` as arrays.
struct PredictLoop {
  std::string data;     // Dataset variable
  std::string collect;  // the list appended to
  SetupValue argmax_axis;
  SourceLocation location;
};

// One output's loss of a model with several outputs (Keras compile(loss=[...] / {...},
// loss_weights=...)): the total is sum(weight * loss), each loss averaged over its own batch.
struct OutputLoss {
  size_t output = 0;  // the model's output, in the order the migrated model returns them
  std::string name;   // the source's name for it (a dict key, else the output layer's name)
  Loss loss;
  SetupValue weight;  // unset: 1
};

struct TrainingSetup {
  std::optional<Optimizer> optimizer;
  std::optional<Loss> loss;
  std::vector<Metric> metrics;
  std::vector<Schedule> schedules;
  std::vector<Callback> callbacks;
  std::vector<Dataset> datasets;
  // L2 penalties on layer weights written as loss terms (Keras kernel_regularizer): node name ->
  // coefficient c in c * sum(w^2).
  std::map<std::string, SetupValue> l2_penalties;
  // A model with several outputs: one loss per output, in output order (`loss` is the first).
  std::vector<OutputLoss> output_losses;
};

// One statement of the script, or a group of them.
struct ScriptStep {
  enum class Kind {
    Verbatim,         // framework-free statement or comment: `text` as written
    Block,            // compound statement: `clauses` (header text + body), e.g. if/elif/else
    ModelDefinition,  // where the source defined the network: the generated model goes here
    BuildModel,       // `variable = Net(...)` / the Keras model built inline: `variable`
    MakeData,         // builds datasets[index]
    MakeOptimizer,    // builds the optimizer (PyTorch object; in Keras part of compile)
    MakeLoss,         // builds the loss object
    MakeSchedule,     // schedules[index]
    Compile,          // Keras compile(...): optimizer + loss + metrics
    Train,            // the training loop / fit: fits[index]
    Evaluate,         // evaluation loop / evaluate(): evaluations[index]
    Predict,          // `variable = model.predict(x)` / inference loop: `text` is the input expr
    PredictLoop,      // predict_loops[index]; with `variable`: `variable = torch.cat(collect)`,
                      // the loop's per-batch predictions concatenated (NumPy arrays in Keras)
    SaveWeights,      // `text` is the path expression
    LoadWeights,      // `text` is the path expression
    Seed,             // torch.manual_seed / keras.utils.set_random_seed: `text` is the seed expr;
                      // `variable` "framework": only the framework's generator is seeded
                      // (tf.random.set_seed), else also Python's and NumPy's
    Dropped,          // framework statement with no counterpart (e.g. model.train(), .to(device))
    Unsupported,      // framework code not understood: TODO(nnport) marker + the original text
    WrapModel,        // `variable` = the model `text` followed by a softmax over its last axis
                      // (Keras Sequential([model, Softmax()]) around the trained model)
    Adapt,            // Keras Normalization.adapt(data): the layer `variable` (its module path
                      // in the model) learns its statistics from the data expression `text`
    Function,         // a user function whose body uses the framework: functions[index]
    // A custom training step (Keras tf.GradientTape code, in a step function or inline in the
    // script's own loop over a dataset), in the order the source computes it:
    Forward,         // `variable` = the model's outputs on the inputs `text`; `training`: layers
                     // such as dropout in training mode; `gradients`: gradients are recorded
                     // (inside the tape), else none are needed
    LossCall,        // `variable` = the loss object's value on `args` = {y_true, y_pred}
    AddModelLosses,  // `variable` += the model's own loss terms (sum(model.losses): weight
                     // regularizers)
    Gradients,       // the gradients of the loss `text` w.r.t. the model's trainable weights,
                     // named `variable` in the source
    ApplyGradients,  // the optimizer applies the gradients `variable` (one update)
    MakeMetric,      // `variable` = a metric object, setup.metrics[index]: a running mean
    MetricUpdate,    // metric object `variable` updated with `args` (y_true, y_pred / values)
    MetricReset,     // metric object `variable` restarted (reset_state)
  };
  struct Clause {
    std::string header;  // "if __name__ == \"__main__\":", "else:", "def main(args):"
    std::vector<ScriptStep> body;
  };
  Kind kind = Kind::Verbatim;
  std::string text;
  std::string variable;  // Compile/Train/Evaluate: the model when it is a helper's parameter
  size_t index = 0;
  std::vector<Clause> clauses;
  std::string reason;  // Dropped / Unsupported: why (also in the diagnostic)
  // Set by the walker on module-level steps that only define things (imports, def/class,
  // constants, the model definition): the writer keeps them at module level and puts the rest of
  // the module-level code under `if __name__ == "__main__":`, so that importing the generated
  // module (as the report's `entry` promises) builds the model without running the script.
  bool definition = false;
  SourceLocation location;
  std::string model;  // Predict: the model it runs when not the script's (a WrapModel variable);
                      // BuildModel: the class it builds when not the entry (another network
                      // the model variable is bound to, see Model::bindings)
  std::vector<std::string> args;  // LossCall / MetricUpdate: the arguments' expressions
  bool training = false;          // Forward
  bool gradients = false;         // Forward
};

// A function the script calls once per batch around one custom step (Keras: `@tf.function def
// train_step(x, y)` with a GradientTape, or `test_step` running the model in inference mode).
struct CustomStep {
  std::string function;   // the function's name
  bool training = false;  // it applies gradients (else it only evaluates)
  bool compiled = false;  // the source compiled it (@tf.function): PyTorch runs it eagerly
  SourceLocation location;
};

struct Script {
  std::vector<ScriptStep> steps;
  TrainingSetup setup;
  std::vector<Fit> fits;
  std::vector<Evaluate> evaluations;
  std::vector<PredictLoop> predict_loops;
  std::vector<ScriptFunction> functions;  // user loss/metric functions (script_function.h)
  std::vector<CustomStep> custom_steps;
  std::string model_variable;  // the script variable holding the model instance
  // Framework-free imports the script used (kept verbatim in `steps`); the writer adds its own.
  bool has_training = false;
};

}  // namespace nnport::pivot
