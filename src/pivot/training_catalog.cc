// The canonical optimisers, losses, metrics, schedules, callbacks, data transforms and datasets.
#include "pivot/training_catalog.h"

namespace nnport::pivot {
namespace {

using K = SetupValue::Kind;

std::vector<SetupSchema> build() {
  const SetupParamSpec lr{"learning_rate", K::Float, "step size"};
  const SetupParamSpec eps{"epsilon", K::Float, "added to the denominator for stability"};
  const SetupParamSpec reduction{"reduction", K::String,
                                 "\"mean\" over the batch, \"sum\" or \"none\""};
  std::vector<SetupSchema> c;
  auto add = [&](SetupFamily f, std::string kind, std::string doc,
                 std::vector<SetupParamSpec> params) {
    c.push_back(SetupSchema{f, std::move(kind), std::move(doc), std::move(params)});
  };
  using F = SetupFamily;
  // Optimisers. Weight decay and gradient clipping are Optimizer fields, not hyper-parameters.
  add(F::Optimizer, "sgd", "stochastic gradient descent, optionally with (Nesterov) momentum",
      {lr,
       {"momentum", K::Float, "momentum factor"},
       {"nesterov", K::Bool, "Nesterov momentum"},
       {"dampening", K::Float, "PyTorch only: dampening of the momentum; 0 in Keras"}});
  add(F::Optimizer, "adam", "Adam (Kingma and Ba)",
      {lr,
       {"beta_1", K::Float, "decay of the first moment"},
       {"beta_2", K::Float, "decay of the second moment"},
       eps,
       {"amsgrad", K::Bool, "AMSGrad variant"}});
  add(F::Optimizer, "adamw", "Adam with decoupled weight decay",
      {lr,
       {"beta_1", K::Float, "decay of the first moment"},
       {"beta_2", K::Float, "decay of the second moment"},
       eps,
       {"amsgrad", K::Bool, "AMSGrad variant"}});
  add(F::Optimizer, "rmsprop", "RMSprop",
      {lr,
       {"rho", K::Float, "decay of the squared-gradient average (PyTorch alpha)"},
       {"momentum", K::Float, "momentum factor"},
       eps,
       {"centered", K::Bool, "normalise by the gradient variance"}});
  add(F::Optimizer, "adagrad", "Adagrad",
      {lr, {"initial_accumulator_value", K::Float, "starting value of the accumulators"}, eps});
  add(F::Optimizer, "adadelta", "Adadelta", {lr, {"rho", K::Float, "decay of the averages"}, eps});
  add(F::Optimizer, "adamax", "Adamax (infinity-norm Adam)",
      {lr,
       {"beta_1", K::Float, "decay of the first moment"},
       {"beta_2", K::Float, "decay of the infinity norm"},
       eps});
  add(F::Optimizer, "nadam", "Adam with Nesterov momentum",
      {lr,
       {"beta_1", K::Float, "decay of the first moment"},
       {"beta_2", K::Float, "decay of the second moment"},
       eps});
  // Losses. input_form / label_form are Loss fields.
  add(F::Loss, "cross_entropy", "categorical cross-entropy over the last (class) axis",
      {reduction,
       {"label_smoothing", K::Float,
        "e: the labels mixed with the uniform distribution, y * (1 - e) + e / C, in both; Keras "
        "has it on one-hot labels only (CategoricalCrossentropy)"}});
  add(F::Loss, "binary_cross_entropy", "binary cross-entropy per element",
      {reduction,
       {"label_smoothing", K::Float, "e: the labels pulled to 0.5, y * (1 - e) + e / 2"}});
  add(F::Loss, "nll", "negative log-likelihood of log-probabilities", {reduction});
  add(F::Loss, "mse", "mean squared error", {reduction});
  add(F::Loss, "mae", "mean absolute error", {reduction});
  add(F::Loss, "huber", "Huber loss (PyTorch HuberLoss; SmoothL1 with beta = delta scaled)",
      {reduction, {"delta", K::Float, "threshold between the quadratic and linear parts"}});
  add(F::Loss, "kl_divergence", "Kullback-Leibler divergence", {reduction});
  add(F::Loss, "hinge", "hinge loss on labels in {-1, 1}", {reduction});
  // Metrics.
  add(F::Metric, "sparse_categorical_accuracy", "argmax of the output equals the class index", {});
  add(F::Metric, "categorical_accuracy", "argmax of the output equals argmax of the one-hot label",
      {});
  add(F::Metric, "binary_accuracy", "output > threshold equals the 0/1 label",
      {{"threshold", K::Float, "decision threshold on probabilities"}});
  add(F::Metric, "binary_cross_entropy", "binary cross-entropy averaged over the samples",
      {{"from_logits", K::Bool,
        "the outputs are logits (else probabilities, clipped as the loss)"}});
  add(F::Metric, "mae", "mean absolute error", {});
  add(F::Metric, "mse", "mean squared error", {});
  add(F::Metric, "mape",
      "mean absolute percentage error: 100 * |label - output| / max(|label|, 1e-7), averaged", {});
  add(F::Metric, "root_mean_squared_error",
      "square root of the mean squared error over all the samples seen (not a mean of batch "
      "roots)",
      {});
  add(F::Metric, "top_k_categorical_accuracy", "the label is among the k highest outputs",
      {{"k", K::Int, "k"}});
  add(F::Metric, "mean",
      "the running mean of the values given (a metric object a custom training step feeds with "
      "its loss)",
      {});
  // Learning-rate schedules.
  add(F::Schedule, "step", "multiply the rate by gamma every step_size epochs",
      {{"step_size", K::Int, "epochs between decays"}, {"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "multistep", "multiply the rate by gamma at each milestone epoch",
      {{"milestones", K::List, "epochs"}, {"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "exponential", "multiply the rate by gamma every epoch",
      {{"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "cosine", "cosine annealing from the initial rate to eta_min over t_max epochs",
      {{"t_max", K::Int, "half period in epochs"}, {"eta_min", K::Float, "final rate"}});
  add(F::Schedule, "lambda", "the initial rate times lr_lambda(epoch), a function of the script",
      {{"lr_lambda", K::Expr, "the factor's function (a lambda or a def of the script)"}});
  add(F::Schedule, "linear",
      "the initial rate times a factor going linearly from start_factor to end_factor over "
      "total_iters steps, then constant",
      {{"start_factor", K::Float, "factor at step 0"},
       {"end_factor", K::Float, "factor from total_iters on"},
       {"total_iters", K::Int, "steps of the ramp"}});
  add(F::Schedule, "epoch_function",
      "Keras LearningRateScheduler: at each epoch's start the rate becomes schedule(epoch, "
      "current rate); PyTorch: the optimiser's param_groups set the same way (LambdaLR only "
      "scales the initial rate)",
      {{"schedule", K::Expr, "the function (a lambda or a def of the script)"}});
  add(F::Schedule, "reduce_on_plateau",
      "multiply the rate by factor when the monitored value stalls",
      {{"monitor", K::String, "watched quantity"},
       {"factor", K::Float, "decay factor"},
       {"patience", K::Int, "epochs without improvement"},
       {"min_lr", K::Float, "lower bound"},
       {"mode", K::String, "\"min\" or \"max\""}});
  add(F::Schedule, "one_cycle",
      "the 1cycle policy stepped every batch: annealed from max_lr / div_factor up to max_lr over "
      "pct_start of the steps, then down to max_lr / div_factor / final_div_factor",
      {{"max_lr", K::Float, "peak rate"},
       {"total_steps", K::Int, "steps of the cycle (else epochs * steps_per_epoch)"},
       {"epochs", K::Int, "epochs of the cycle"},
       {"steps_per_epoch", K::Int, "batches per epoch"},
       {"pct_start", K::Float, "fraction of the steps spent increasing the rate"},
       {"anneal_strategy", K::String, "\"cos\" or \"linear\""},
       {"cycle_momentum", K::Bool, "also cycle the momentum (SGD momentum, Adam beta_1)"},
       {"base_momentum", K::Float, "lowest momentum"},
       {"max_momentum", K::Float, "highest momentum"},
       {"div_factor", K::Float, "max_lr / initial rate"},
       {"final_div_factor", K::Float, "initial rate / final rate"},
       {"three_phase", K::Bool, "a third phase annealing to the final rate"}});
  // Keras schedule objects given to the optimiser as its learning_rate: evaluated at the
  // optimiser's step count (every batch), closed forms of keras/src/optimizers/schedules.
  const SetupParamSpec initial{"initial_learning_rate", K::Float, "rate at step 0"};
  const SetupParamSpec decay_steps{"decay_steps", K::Float, "optimizer steps per decay period"};
  add(F::Schedule, "exponential_decay",
      "initial_learning_rate * decay_rate ** (step / decay_steps) at optimizer step `step` (the "
      "exponent floored with staircase); PyTorch: LambdaLR with the closed form, stepped every "
      "batch",
      {initial,
       decay_steps,
       {"decay_rate", K::Float, "factor per decay period"},
       {"staircase", K::Bool, "decay at whole periods only"}});
  add(F::Schedule, "inverse_time_decay",
      "initial_learning_rate / (1 + decay_rate * step / decay_steps) (step / decay_steps floored "
      "with staircase); PyTorch: LambdaLR with the closed form, stepped every batch",
      {initial,
       decay_steps,
       {"decay_rate", K::Float, "rate of the 1/t decay"},
       {"staircase", K::Bool, "decay at whole periods only"}});
  add(F::Schedule, "piecewise_constant",
      "values[i] for boundaries[i-1] < step <= boundaries[i] (values[0] up to boundaries[0], "
      "values[-1] past the last); PyTorch: LambdaLR, stepped every batch",
      {{"boundaries", K::List, "optimizer steps, increasing"},
       {"values", K::List, "one more rate than boundaries"}});
  add(F::Schedule, "polynomial_decay",
      "(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end (with cycle, "
      "decay_steps grows to the first multiple above step); PyTorch: LambdaLR, stepped every batch",
      {initial,
       decay_steps,
       {"end_learning_rate", K::Float, "final rate"},
       {"power", K::Float, "power of the polynomial"},
       {"cycle", K::Bool, "restart after decay_steps"}});
  add(F::Schedule, "cosine_decay",
      "initial * ((1 - alpha) * (1 + cos(pi * min(step, decay_steps) / decay_steps)) / 2 + alpha), "
      "after an optional linear warmup from initial to warmup_target over warmup_steps (the decay "
      "then starts from warmup_target); PyTorch: LambdaLR, stepped every batch",
      {initial,
       decay_steps,
       {"alpha", K::Float, "final rate as a fraction of the starting one"},
       {"warmup_target", K::Float, "rate reached by the warmup (None: no warmup)"},
       {"warmup_steps", K::Float, "steps of the warmup"}});
  // Callbacks.
  add(F::Callback, "early_stopping", "stop when the monitored value stops improving",
      {{"monitor", K::String, "watched quantity"},
       {"patience", K::Int, "epochs without improvement"},
       {"min_delta", K::Float, "smallest improvement"},
       {"mode", K::String, "\"min\", \"max\" or \"auto\""},
       {"restore_best_weights", K::Bool, "restore the best epoch's weights at the end"}});
  add(F::Callback, "checkpoint", "save the weights after epochs",
      {{"filepath", K::String, "where"},
       {"monitor", K::String, "watched quantity"},
       {"save_best_only", K::Bool, "only when the monitored value improved"},
       {"save_weights_only", K::Bool, "weights instead of the whole model"}});
  // Data transforms.
  add(F::Transform, "rescale", "x * scale + offset",
      {{"scale", K::Float, "factor"}, {"offset", K::Float, "shift"}});
  add(F::Transform, "normalize", "(x - mean) / std per channel",
      {{"mean", K::List, "per channel"}, {"std", K::List, "per channel"}});
  add(F::Transform, "resize", "resize images (bilinear unless said)",
      {{"height", K::Int, "rows"},
       {"width", K::Int, "columns"},
       {"interpolation", K::String, "\"bilinear\", \"nearest\""}});
  add(F::Transform, "to_float", "integer pixels to float32 in [0, 1] (ToTensor) or unscaled",
      {{"scale", K::Float, "1/255 or 1"}});
  add(F::Transform, "flatten",
      "each sample flattened to one axis in channels-first order (a loop's per-batch "
      "x.view(-1, n))",
      {});
  add(F::Transform, "center_crop", "crop the centre",
      {{"height", K::Int, "rows"}, {"width", K::Int, "columns"}});
  add(F::Transform, "random_flip", "random horizontal flip (augmentation)",
      {{"mode", K::String, "\"horizontal\""}, {"p", K::Float, "probability of a flip"}});
  add(F::Transform, "random_crop",
      "random crop (augmentation) of the image padded with a constant first",
      {{"height", K::Int, "rows"},
       {"width", K::Int, "columns"},
       {"padding", K::Int, "pixels added on every side first"},
       {"pad_if_needed", K::Bool, "pad images smaller than the crop"},
       {"fill", K::Float, "value of the padding"},
       {"padding_mode", K::String, "\"constant\" (else reflect/edge/symmetric)"}});
  add(F::Transform, "random_rotation",
      "random rotation (augmentation) by an angle drawn uniformly from [-degrees, degrees]",
      {{"degrees", K::Float, "largest angle in degrees (or a (min, max) pair)"},
       {"interpolation", K::String, "PyTorch: nearest by default"},
       {"expand", K::Bool, "grow the image to hold the whole rotation"},
       {"center", K::Expr, "rotation centre"},
       {"fill", K::Float, "value of the uncovered pixels"}});
  // Published datasets both frameworks ship a reader for (the same files, the same order).
  const SetupParamSpec train{"train", K::Bool, "the training split (else the test split)"};
  const SetupParamSpec root{"root", K::String,
                            "PyTorch: the folder holding the files; Keras keeps its own cache"};
  const SetupParamSpec download{"download", K::Bool, "PyTorch: fetch the files when absent"};
  add(F::Dataset, "mnist", "MNIST handwritten digits, 28x28 grey images, 10 classes",
      {train, root, download});
  add(F::Dataset, "fashion_mnist", "Fashion-MNIST clothing images, 28x28 grey images, 10 classes",
      {train, root, download});
  add(F::Dataset, "cifar10", "CIFAR-10, 32x32 colour images, 10 classes", {train, root, download});
  // keras.datasets read from Keras' own cached .npz file, shuffled and split as Keras does.
  add(F::Dataset, "boston_housing",
      "Boston housing prices: 13 features per house, the price (k$) as target",
      {{"test_split", K::Float, "the LAST fraction after shuffling is the test split"},
       {"seed", K::Int, "seed of the shuffle (NumPy RandomState)"}});
  add(F::Dataset, "reuters", "Reuters newswires as word-index sequences, 46 topics",
      {{"num_words", K::Int, "words ranked past it become oov_char (None: all)"},
       {"skip_top", K::Int, "the most frequent words below it become oov_char"},
       {"maxlen", K::Int, "longer sequences are dropped (None: none)"},
       {"test_split", K::Float, "the LAST fraction after shuffling is the test split"},
       {"seed", K::Int, "seed of the shuffle (NumPy RandomState)"},
       {"start_char", K::Int, "id put at the start of every sequence"},
       {"oov_char", K::Int, "id of the words left out"},
       {"index_from", K::Int, "word ids are shifted by it"}});
  add(F::Dataset, "imdb", "IMDB movie reviews as word-index sequences, sentiment 0 or 1",
      {{"num_words", K::Int, "words ranked past it become oov_char (None: all)"},
       {"skip_top", K::Int, "the most frequent words below it become oov_char"},
       {"maxlen", K::Int, "longer sequences are dropped (None: none)"},
       {"seed", K::Int, "seed of the shuffles (NumPy RandomState), train then test"},
       {"start_char", K::Int, "id put at the start of every sequence"},
       {"oov_char", K::Int, "id of the words left out"},
       {"index_from", K::Int, "word ids are shifted by it"}});
  return c;
}

}  // namespace

const SetupParamSpec* SetupSchema::find_param(std::string_view param) const {
  for (const auto& p : params)
    if (p.name == param) return &p;
  return nullptr;
}

const std::vector<SetupSchema>& training_catalog() {
  static const std::vector<SetupSchema> catalog = build();
  return catalog;
}

const SetupSchema* find_setup_schema(SetupFamily family, std::string_view kind) {
  for (const auto& s : training_catalog())
    if (s.family == family && s.kind == kind) return &s;
  return nullptr;
}

std::string_view family_name(SetupFamily family) {
  switch (family) {
    case SetupFamily::Optimizer: return "optimizer";
    case SetupFamily::Loss: return "loss";
    case SetupFamily::Metric: return "metric";
    case SetupFamily::Schedule: return "schedule";
    case SetupFamily::Callback: return "callback";
    case SetupFamily::Transform: return "transform";
    case SetupFamily::Dataset: return "dataset";
  }
  return "?";
}

}  // namespace nnport::pivot
