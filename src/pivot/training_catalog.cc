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
  add(F::Metric, "mae", "mean absolute error", {});
  add(F::Metric, "mse", "mean squared error", {});
  add(F::Metric, "top_k_categorical_accuracy", "the label is among the k highest outputs",
      {{"k", K::Int, "k"}});
  // Learning-rate schedules.
  add(F::Schedule, "step", "multiply the rate by gamma every step_size epochs",
      {{"step_size", K::Int, "epochs between decays"}, {"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "multistep", "multiply the rate by gamma at each milestone epoch",
      {{"milestones", K::List, "epochs"}, {"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "exponential", "multiply the rate by gamma every epoch",
      {{"gamma", K::Float, "decay factor"}});
  add(F::Schedule, "cosine", "cosine annealing from the initial rate to eta_min over t_max epochs",
      {{"t_max", K::Int, "half period in epochs"}, {"eta_min", K::Float, "final rate"}});
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
  add(F::Transform, "center_crop", "crop the centre",
      {{"height", K::Int, "rows"}, {"width", K::Int, "columns"}});
  add(F::Transform, "random_flip", "random horizontal flip (augmentation)",
      {{"mode", K::String, "\"horizontal\""}});
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
