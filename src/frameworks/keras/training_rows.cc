// Keras 3's training API against the training catalog: keras.optimizers, keras.losses,
// keras.metrics and keras.callbacks classes and their string identifiers, with Keras 3's argument
// names, positions and defaults (keras/src/optimizers, keras/src/losses/losses.py,
// keras/src/callbacks). Keras optimisers take `weight_decay` (decoupled) as a keyword; losses
// from strings expect probabilities (`from_logits` is read into Loss::input_form by the reader).
#include <utility>

#include "frameworks/training_table.h"

namespace nnport::frameworks::keras {
namespace {

using pivot::SetupFamily;
using pivot::SetupValue;

using namespace row_values;

std::vector<SetupRow> build() {
  using F = SetupFamily;
  std::vector<SetupRow> r;
  // Optimisers (positions from the first argument, learning_rate).
  r.push_back({F::Optimizer,
               "sgd",
               "keras.optimizers.SGD",
               {"sgd"},
               {{"learning_rate", "learning_rate", f(0.01), 0},
                {"momentum", "momentum", f(0), 1},
                {"nesterov", "nesterov", b(false), 2},
                {"dampening", "", f(0), -1}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adam",
               "keras.optimizers.Adam",
               {"adam"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"beta_1", "beta_1", f(0.9), 1},
                {"beta_2", "beta_2", f(0.999), 2},
                {"epsilon", "epsilon", f(1e-7), 3},
                {"amsgrad", "amsgrad", b(false), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adamw",
               "keras.optimizers.AdamW",
               {"adamw"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"weight_decay", "weight_decay", f(0.004), 1},
                {"beta_1", "beta_1", f(0.9), 2},
                {"beta_2", "beta_2", f(0.999), 3},
                {"epsilon", "epsilon", f(1e-7), 4},
                {"amsgrad", "amsgrad", b(false), 5}},
               {},
               false});
  r.push_back({F::Optimizer,
               "rmsprop",
               "keras.optimizers.RMSprop",
               {"rmsprop"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"rho", "rho", f(0.9), 1},
                {"momentum", "momentum", f(0), 2},
                {"epsilon", "epsilon", f(1e-7), 3},
                {"centered", "centered", b(false), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adagrad",
               "keras.optimizers.Adagrad",
               {"adagrad"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"initial_accumulator_value", "initial_accumulator_value", f(0.1), 1},
                {"epsilon", "epsilon", f(1e-7), 2}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adadelta",
               "keras.optimizers.Adadelta",
               {"adadelta"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"rho", "rho", f(0.95), 1},
                {"epsilon", "epsilon", f(1e-7), 2}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adamax",
               "keras.optimizers.Adamax",
               {"adamax"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"beta_1", "beta_1", f(0.9), 1},
                {"beta_2", "beta_2", f(0.999), 2},
                {"epsilon", "epsilon", f(1e-7), 3}},
               {},
               false});
  r.push_back({F::Optimizer,
               "nadam",
               "keras.optimizers.Nadam",
               {"nadam"},
               {{"learning_rate", "learning_rate", f(1e-3), 0},
                {"beta_1", "beta_1", f(0.9), 1},
                {"beta_2", "beta_2", f(0.999), 2},
                {"epsilon", "epsilon", f(1e-7), 3}},
               {},
               false});
  // Losses: classes and the functions/strings of the same name. From strings and by default
  // they take probabilities (from_logits=False) and clip them to [1e-7, 1 - 1e-7].
  r.push_back({F::Loss,
               "cross_entropy",
               "keras.losses.SparseCategoricalCrossentropy",
               {"sparse_categorical_crossentropy"},
               {{"reduction", "reduction", s("mean"), -1}},
               {{"input_form", "probabilities"}, {"label_form", "index"}},
               false});
  r.push_back(
      {F::Loss,
       "cross_entropy",
       "keras.losses.CategoricalCrossentropy",
       {"categorical_crossentropy"},
       {{"label_smoothing", "label_smoothing", f(0), 1}, {"reduction", "reduction", s("mean"), -1}},
       {{"input_form", "probabilities"}, {"label_form", "one_hot"}},
       false});
  r.push_back(
      {F::Loss,
       "binary_cross_entropy",
       "keras.losses.BinaryCrossentropy",
       {"binary_crossentropy"},
       {{"label_smoothing", "label_smoothing", f(0), 1}, {"reduction", "reduction", s("mean"), -1}},
       {{"input_form", "probabilities"}, {"label_form", "binary"}},
       false});
  r.push_back({F::Loss,
               "mse",
               "keras.losses.MeanSquaredError",
               {"mse", "mean_squared_error", "MSE"},
               {{"reduction", "reduction", s("mean"), -1}},
               {{"label_form", "value"}},
               false});
  r.push_back({F::Loss,
               "mae",
               "keras.losses.MeanAbsoluteError",
               {"mae", "mean_absolute_error", "MAE"},
               {{"reduction", "reduction", s("mean"), -1}},
               {{"label_form", "value"}},
               false});
  r.push_back({F::Loss,
               "huber",
               "keras.losses.Huber",
               {"huber", "huber_loss"},
               {{"delta", "delta", f(1.0), 0}, {"reduction", "reduction", s("mean"), -1}},
               {{"label_form", "value"}},
               false});
  r.push_back({F::Loss,
               "kl_divergence",
               "keras.losses.KLDivergence",
               {"kl_divergence", "kld", "KLD"},
               {{"reduction", "reduction", s("mean"), -1}},
               {{"label_form", "one_hot"}},
               false});
  r.push_back({F::Loss,
               "hinge",
               "keras.losses.Hinge",
               {"hinge"},
               {{"reduction", "reduction", s("mean"), -1}},
               {{"label_form", "binary"}},
               false});
  // Metrics ("accuracy"/"acc" are resolved from the loss by the reader).
  r.push_back({F::Metric,
               "sparse_categorical_accuracy",
               "keras.metrics.SparseCategoricalAccuracy",
               {"sparse_categorical_accuracy"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "categorical_accuracy",
               "keras.metrics.CategoricalAccuracy",
               {"categorical_accuracy"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "binary_accuracy",
               "keras.metrics.BinaryAccuracy",
               {"binary_accuracy"},
               {{"threshold", "threshold", f(0.5), -1}},
               {},
               false});
  r.push_back({F::Metric,
               "mae",
               "keras.metrics.MeanAbsoluteError",
               {"mae", "mean_absolute_error"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "mse",
               "keras.metrics.MeanSquaredError",
               {"mse", "mean_squared_error"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "mape",
               "keras.metrics.MeanAbsolutePercentageError",
               {"mean_absolute_percentage_error", "mape", "MAPE"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "root_mean_squared_error",
               "keras.metrics.RootMeanSquaredError",
               {"root_mean_squared_error"},
               {},
               {},
               false});
  r.push_back({F::Metric,
               "top_k_categorical_accuracy",
               "keras.metrics.TopKCategoricalAccuracy",
               {"top_k_categorical_accuracy"},
               {{"k", "k", i(5), 0}},
               {},
               false});
  r.push_back({F::Metric, "mean", "keras.metrics.Mean", {}, {}, {}, false});
  r.push_back({F::Metric,
               "binary_cross_entropy",
               "keras.metrics.BinaryCrossentropy",
               {"binary_crossentropy"},
               {{"from_logits", "from_logits", b(false), 2}},
               {},
               false});
  // Callbacks.
  r.push_back({F::Callback,
               "early_stopping",
               "keras.callbacks.EarlyStopping",
               {},
               {{"monitor", "monitor", s("val_loss"), 0},
                {"min_delta", "min_delta", f(0), 1},
                {"patience", "patience", i(0), 2},
                {"mode", "mode", s("auto"), 4},
                {"restore_best_weights", "restore_best_weights", b(false), 6}},
               {},
               false});
  r.push_back({F::Callback,
               "checkpoint",
               "keras.callbacks.ModelCheckpoint",
               {},
               {{"filepath", "filepath", kRequired, 0},
                {"monitor", "monitor", s("val_loss"), 1},
                {"save_best_only", "save_best_only", b(false), 3},
                {"save_weights_only", "save_weights_only", b(false), 4}},
               {},
               false});
  r.push_back({F::Schedule,
               "reduce_on_plateau",
               "keras.callbacks.ReduceLROnPlateau",
               {},
               {{"monitor", "monitor", s("val_loss"), 0},
                {"factor", "factor", f(0.1), 1},
                {"patience", "patience", i(10), 2},
                {"mode", "mode", s("auto"), 4},
                {"min_lr", "min_lr", f(0), 7}},
               {},
               false});
  r.push_back({F::Schedule,
               "epoch_function",
               "keras.callbacks.LearningRateScheduler",
               {},
               {{"schedule", "schedule", kRequired, 0}},
               {},
               false});
  // Learning-rate schedule objects (keras.optimizers.schedules), given as an optimiser's
  // learning_rate and evaluated at each optimizer step; `name` is ignored by the reader.
  for (const auto& [kind, cls] :
       {std::pair<const char*, const char*>{"exponential_decay", "ExponentialDecay"},
        {"inverse_time_decay", "InverseTimeDecay"}})
    r.push_back({F::Schedule,
                 kind,
                 std::string("keras.optimizers.schedules.") + cls,
                 {},
                 {{"initial_learning_rate", "initial_learning_rate", kRequired, 0},
                  {"decay_steps", "decay_steps", kRequired, 1},
                  {"decay_rate", "decay_rate", kRequired, 2},
                  {"staircase", "staircase", b(false), 3}},
                 {{"unit", "batch"}},
                 false});
  r.push_back({F::Schedule,
               "piecewise_constant",
               "keras.optimizers.schedules.PiecewiseConstantDecay",
               {},
               {{"boundaries", "boundaries", kRequired, 0}, {"values", "values", kRequired, 1}},
               {{"unit", "batch"}},
               false});
  r.push_back({F::Schedule,
               "polynomial_decay",
               "keras.optimizers.schedules.PolynomialDecay",
               {},
               {{"initial_learning_rate", "initial_learning_rate", kRequired, 0},
                {"decay_steps", "decay_steps", kRequired, 1},
                {"end_learning_rate", "end_learning_rate", f(0.0001), 2},
                {"power", "power", f(1.0), 3},
                {"cycle", "cycle", b(false), 4}},
               {{"unit", "batch"}},
               false});
  r.push_back({F::Schedule,
               "cosine_decay",
               "keras.optimizers.schedules.CosineDecay",
               {},
               {{"initial_learning_rate", "initial_learning_rate", kRequired, 0},
                {"decay_steps", "decay_steps", kRequired, 1},
                {"alpha", "alpha", f(0.0), 2},
                {"warmup_target", "warmup_target", SetupValue::expr("None"), 4},
                {"warmup_steps", "warmup_steps", i(0), 5}},
               {{"unit", "batch"}},
               false});
  // keras.datasets: load_data() returns ((x_train, y_train), (x_test, y_test)) as uint8 arrays,
  // images channels-last (MNIST-like ones without a channel axis), labels (N,) or (N, 1).
  r.push_back({F::Dataset,
               "mnist",
               "keras.datasets.mnist",
               {},
               {},
               {{"images", "NHW"}, {"labels", "N"}},
               false});
  r.push_back({F::Dataset,
               "fashion_mnist",
               "keras.datasets.fashion_mnist",
               {},
               {},
               {{"images", "NHW"}, {"labels", "N"}},
               false});
  r.push_back({F::Dataset,
               "cifar10",
               "keras.datasets.cifar10",
               {},
               {},
               {{"images", "NHWC"}, {"labels", "N,1"}},
               false});
  // boston_housing.load_data(path, test_split, seed): float64 features (N, 13), targets (N,).
  r.push_back({F::Dataset,
               "boston_housing",
               "keras.datasets.boston_housing",
               {},
               {{"test_split", "test_split", f(0.2), 1}, {"seed", "seed", i(113), 2}},
               {},
               false});
  // reuters.load_data(path, num_words, ...): object arrays of word-id lists, labels (N,).
  r.push_back({F::Dataset,
               "reuters",
               "keras.datasets.reuters",
               {},
               {{"num_words", "num_words", SetupValue::expr("None"), 1},
                {"skip_top", "skip_top", i(0), 2},
                {"maxlen", "maxlen", SetupValue::expr("None"), 3},
                {"test_split", "test_split", f(0.2), 4},
                {"seed", "seed", i(113), 5},
                {"start_char", "start_char", i(1), 6},
                {"oov_char", "oov_char", i(2), 7},
                {"index_from", "index_from", i(3), 8}},
               {{"word_index", "get_word_index"}},
               false});
  // imdb.load_data(path, num_words, ...): the published train/test split, each shuffled.
  r.push_back({F::Dataset,
               "imdb",
               "keras.datasets.imdb",
               {},
               {{"num_words", "num_words", SetupValue::expr("None"), 1},
                {"skip_top", "skip_top", i(0), 2},
                {"maxlen", "maxlen", SetupValue::expr("None"), 3},
                {"seed", "seed", i(113), 4},
                {"start_char", "start_char", i(1), 5},
                {"oov_char", "oov_char", i(2), 6},
                {"index_from", "index_from", i(3), 7}},
               {{"word_index", "get_word_index"}},
               false});
  return r;
}

}  // namespace

const std::vector<SetupRow>& training_rows() {
  static const std::vector<SetupRow> rows = build();
  return rows;
}

}  // namespace nnport::frameworks::keras
