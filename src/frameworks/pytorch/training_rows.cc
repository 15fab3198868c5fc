// PyTorch's training API against the training catalog: torch.optim optimisers, torch.nn losses,
// torch.optim.lr_scheduler schedules, torchvision transforms and datasets, with torch 1.13's
// argument names, positions and defaults. `weight_decay` rows are read into Optimizer::weight_decay
// (coupled for SGD/Adam/RMSprop/..., decoupled for AdamW), not into the hyper-parameters.
#include <utility>

#include "frameworks/training_table.h"

namespace nnport::frameworks::pytorch {
namespace {

using pivot::SetupFamily;
using pivot::SetupValue;

using namespace row_values;

std::vector<SetupRow> build() {
  using F = SetupFamily;
  std::vector<SetupRow> r;
  // Optimisers: positions count after the parameters argument.
  r.push_back({F::Optimizer,
               "sgd",
               "torch.optim.SGD",
               {},
               {{"learning_rate", "lr", kRequired, 0},
                {"momentum", "momentum", f(0), 1},
                {"dampening", "dampening", f(0), 2},
                {"weight_decay", "weight_decay", f(0), 3},
                {"nesterov", "nesterov", b(false), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adam",
               "torch.optim.Adam",
               {},
               {{"learning_rate", "lr", f(1e-3), 0},
                {"beta_1", "betas.0", f(0.9), 1},
                {"beta_2", "betas.1", f(0.999), 1},
                {"epsilon", "eps", f(1e-8), 2},
                {"weight_decay", "weight_decay", f(0), 3},
                {"amsgrad", "amsgrad", b(false), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adamw",
               "torch.optim.AdamW",
               {},
               {{"learning_rate", "lr", f(1e-3), 0},
                {"beta_1", "betas.0", f(0.9), 1},
                {"beta_2", "betas.1", f(0.999), 1},
                {"epsilon", "eps", f(1e-8), 2},
                {"weight_decay", "weight_decay", f(1e-2), 3},
                {"amsgrad", "amsgrad", b(false), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "rmsprop",
               "torch.optim.RMSprop",
               {},
               {{"learning_rate", "lr", f(1e-2), 0},
                {"rho", "alpha", f(0.99), 1},
                {"epsilon", "eps", f(1e-8), 2},
                {"weight_decay", "weight_decay", f(0), 3},
                {"momentum", "momentum", f(0), 4},
                {"centered", "centered", b(false), 5}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adagrad",
               "torch.optim.Adagrad",
               {},
               {{"learning_rate", "lr", f(1e-2), 0},
                {"lr_decay", "lr_decay", f(0), 1},
                {"weight_decay", "weight_decay", f(0), 2},
                {"initial_accumulator_value", "initial_accumulator_value", f(0), 3},
                {"epsilon", "eps", f(1e-10), 4}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adadelta",
               "torch.optim.Adadelta",
               {},
               {{"learning_rate", "lr", f(1.0), 0},
                {"rho", "rho", f(0.9), 1},
                {"epsilon", "eps", f(1e-6), 2},
                {"weight_decay", "weight_decay", f(0), 3}},
               {},
               false});
  r.push_back({F::Optimizer,
               "adamax",
               "torch.optim.Adamax",
               {},
               {{"learning_rate", "lr", f(2e-3), 0},
                {"beta_1", "betas.0", f(0.9), 1},
                {"beta_2", "betas.1", f(0.999), 1},
                {"epsilon", "eps", f(1e-8), 2},
                {"weight_decay", "weight_decay", f(0), 3}},
               {},
               false});
  r.push_back({F::Optimizer,
               "nadam",
               "torch.optim.NAdam",
               {},
               {{"learning_rate", "lr", f(2e-3), 0},
                {"beta_1", "betas.0", f(0.9), 1},
                {"beta_2", "betas.1", f(0.999), 1},
                {"epsilon", "eps", f(1e-8), 2},
                {"weight_decay", "weight_decay", f(0), 3},
                {"momentum_decay", "momentum_decay", f(4e-3), 4}},
               {},
               false});
  // Losses (size_average/reduce are deprecated and not read: an unknown argument is reported).
  r.push_back(
      {F::Loss,
       "cross_entropy",
       "torch.nn.CrossEntropyLoss",
       {},
       {{"reduction", "reduction", s("mean"), 4}, {"label_smoothing", "label_smoothing", f(0), 5}},
       {{"input_form", "logits"}, {"label_form", "index"}},
       false});
  r.push_back({F::Loss,
               "nll",
               "torch.nn.NLLLoss",
               {},
               {{"reduction", "reduction", s("mean"), 4}},
               {{"input_form", "log_probabilities"}, {"label_form", "index"}},
               false});
  r.push_back({F::Loss,
               "binary_cross_entropy",
               "torch.nn.BCEWithLogitsLoss",
               {},
               {{"reduction", "reduction", s("mean"), 3}},
               {{"input_form", "logits"}, {"label_form", "binary"}},
               false});
  r.push_back({F::Loss,
               "binary_cross_entropy",
               "torch.nn.BCELoss",
               {},
               {{"reduction", "reduction", s("mean"), 3}},
               {{"input_form", "probabilities"}, {"label_form", "binary"}},
               false});
  r.push_back({F::Loss,
               "mse",
               "torch.nn.MSELoss",
               {},
               {{"reduction", "reduction", s("mean"), 2}},
               {{"label_form", "value"}},
               false});
  r.push_back({F::Loss,
               "mae",
               "torch.nn.L1Loss",
               {},
               {{"reduction", "reduction", s("mean"), 2}},
               {{"label_form", "value"}},
               false});
  r.push_back({F::Loss,
               "huber",
               "torch.nn.HuberLoss",
               {},
               {{"reduction", "reduction", s("mean"), 0}, {"delta", "delta", f(1.0), 1}},
               {{"label_form", "value"}},
               false});
  // torch.nn.functional losses, called in the loop on (input, target): read only (a Keras loss
  // object is written for them); their other arguments are keyword-only here.
  auto functional = [&](const char* kind, const char* name, std::vector<SetupArgRow> extra,
                        std::map<std::string, std::string> implied) {
    std::vector<SetupArgRow> args{{"reduction", "reduction", s("mean"), -1}};
    args.insert(args.end(), extra.begin(), extra.end());
    r.push_back(
        {F::Loss, kind, std::string("torch.nn.functional.") + name, {}, args, implied, true});
  };
  functional("cross_entropy", "cross_entropy", {{"label_smoothing", "label_smoothing", f(0), -1}},
             {{"input_form", "logits"}, {"label_form", "index"}});
  functional("nll", "nll_loss", {}, {{"input_form", "log_probabilities"}, {"label_form", "index"}});
  functional("binary_cross_entropy", "binary_cross_entropy_with_logits", {},
             {{"input_form", "logits"}, {"label_form", "binary"}});
  functional("binary_cross_entropy", "binary_cross_entropy", {},
             {{"input_form", "probabilities"}, {"label_form", "binary"}});
  functional("mse", "mse_loss", {}, {{"label_form", "value"}});
  functional("mae", "l1_loss", {}, {{"label_form", "value"}});
  functional("huber", "huber_loss", {{"delta", "delta", f(1.0), -1}}, {{"label_form", "value"}});
  // smooth_l1_loss(beta) = huber_loss(delta=beta) / beta: the reader accepts beta = 1 only.
  functional("huber", "smooth_l1_loss", {{"delta", "beta", f(1.0), -1}}, {{"label_form", "value"}});
  // Learning-rate schedules: positions count after the optimizer argument.
  r.push_back({F::Schedule,
               "step",
               "torch.optim.lr_scheduler.StepLR",
               {},
               {{"step_size", "step_size", kRequired, 0}, {"gamma", "gamma", f(0.1), 1}},
               {},
               false});
  r.push_back({F::Schedule,
               "multistep",
               "torch.optim.lr_scheduler.MultiStepLR",
               {},
               {{"milestones", "milestones", kRequired, 0}, {"gamma", "gamma", f(0.1), 1}},
               {},
               false});
  r.push_back({F::Schedule,
               "exponential",
               "torch.optim.lr_scheduler.ExponentialLR",
               {},
               {{"gamma", "gamma", kRequired, 0}},
               {},
               false});
  r.push_back({F::Schedule,
               "cosine",
               "torch.optim.lr_scheduler.CosineAnnealingLR",
               {},
               {{"t_max", "T_max", kRequired, 0}, {"eta_min", "eta_min", f(0), 1}},
               {},
               false});
  r.push_back({F::Schedule,
               "lambda",
               "torch.optim.lr_scheduler.LambdaLR",
               {},
               {{"lr_lambda", "lr_lambda", kRequired, 0}},
               {},
               false});
  r.push_back({F::Schedule,
               "linear",
               "torch.optim.lr_scheduler.LinearLR",
               {},
               {{"start_factor", "start_factor", f(1.0 / 3), 0},
                {"end_factor", "end_factor", f(1.0), 1},
                {"total_iters", "total_iters", i(5), 2}},
               {},
               false});
  r.push_back({F::Schedule,
               "reduce_on_plateau",
               "torch.optim.lr_scheduler.ReduceLROnPlateau",
               {},
               {{"mode", "mode", s("min"), 0},
                {"factor", "factor", f(0.1), 1},
                {"patience", "patience", i(10), 2},
                {"min_lr", "min_lr", f(0), 6}},
               {},
               false});
  r.push_back({F::Schedule,
               "one_cycle",
               "torch.optim.lr_scheduler.OneCycleLR",
               {},
               {{"max_lr", "max_lr", kRequired, 0},
                {"total_steps", "total_steps", SetupValue::expr("None"), 1},
                {"epochs", "epochs", SetupValue::expr("None"), 2},
                {"steps_per_epoch", "steps_per_epoch", SetupValue::expr("None"), 3},
                {"pct_start", "pct_start", f(0.3), 4},
                {"anneal_strategy", "anneal_strategy", s("cos"), 5},
                {"cycle_momentum", "cycle_momentum", b(true), 6},
                {"base_momentum", "base_momentum", f(0.85), 7},
                {"max_momentum", "max_momentum", f(0.95), 8},
                {"div_factor", "div_factor", f(25.0), 9},
                {"final_div_factor", "final_div_factor", f(1e4), 10},
                {"three_phase", "three_phase", b(false), 11}},
               {},
               false});
  // torchvision transforms.
  r.push_back({F::Transform,
               "to_float",
               "torchvision.transforms.ToTensor",
               {},
               {},
               {{"scale", "1/255"}},
               false});
  r.push_back({F::Transform,
               "normalize",
               "torchvision.transforms.Normalize",
               {},
               {{"mean", "mean", kRequired, 0}, {"std", "std", kRequired, 1}},
               {},
               false});
  r.push_back({F::Transform,
               "resize",
               "torchvision.transforms.Resize",
               {},
               {{"size", "size", kRequired, 0}},
               {},
               false});
  r.push_back({F::Transform,
               "center_crop",
               "torchvision.transforms.CenterCrop",
               {},
               {{"size", "size", kRequired, 0}},
               {},
               false});
  r.push_back({F::Transform,
               "random_flip",
               "torchvision.transforms.RandomHorizontalFlip",
               {},
               {{"p", "p", f(0.5), 0}},
               {{"mode", "horizontal"}},
               false});
  // Random augmentation: applied to the training images only (DataTransform::training_only).
  r.push_back({F::Transform,
               "random_crop",
               "torchvision.transforms.RandomCrop",
               {},
               {{"size", "size", kRequired, 0},
                {"padding", "padding", SetupValue::expr("None"), 1},
                {"pad_if_needed", "pad_if_needed", b(false), 2},
                {"fill", "fill", i(0), 3},
                {"padding_mode", "padding_mode", s("constant"), 4}},
               {},
               false});
  r.push_back(
      {F::Transform,
       "random_rotation",
       "torchvision.transforms.RandomRotation",
       {},
       {{"degrees", "degrees", kRequired, 0},
        {"interpolation", "interpolation", SetupValue::expr("InterpolationMode.NEAREST"), 1},
        {"expand", "expand", b(false), 2},
        {"center", "center", SetupValue::expr("None"), 3},
        {"fill", "fill", i(0), 4}},
       {},
       false});
  // torchvision datasets: the transform argument is read by the script reader (the transforms
  // above), not bound as a hyper-parameter. "sample_shape": one image after ToTensor (C,H,W),
  // the model's input when no --input-shape is given (readers/pytorch/data_shapes.h).
  struct Published {
    const char* kind;
    const char* cls;
    const char* sample_shape;
  };
  for (const auto& [kind, cls, sample_shape] :
       {Published{"mnist", "MNIST", "1,28,28"},
        Published{"fashion_mnist", "FashionMNIST", "1,28,28"},
        Published{"cifar10", "CIFAR10", "3,32,32"}})
    r.push_back({F::Dataset,
                 kind,
                 std::string("torchvision.datasets.") + cls,
                 {},
                 {{"root", "root", kRequired, 0},
                  {"train", "train", b(true), 1},
                  {"transform", "transform", SetupValue::expr("None"), 2},
                  {"target_transform", "target_transform", SetupValue::expr("None"), 3},
                  {"download", "download", b(false), 4}},
                 {{"image_layout", "channels_first"}, {"sample_shape", sample_shape}},
                 false});
  // No PyTorch reader: the migrated script reads Keras' cached file with NumPy
  // (writers/pytorch/builtin_datasets.cc), with Keras' shuffle and split.
  r.push_back({F::Dataset,
               "boston_housing",
               "numpy (boston_housing.npz)",
               {},
               {{"test_split", "test_split", f(0.2), -1}, {"seed", "seed", i(113), -1}},
               {{"file", "boston_housing.npz"}},
               false});
  r.push_back({F::Dataset,
               "reuters",
               "numpy (reuters.npz)",
               {},
               {{"num_words", "num_words", SetupValue::expr("None"), -1},
                {"skip_top", "skip_top", i(0), -1},
                {"maxlen", "maxlen", SetupValue::expr("None"), -1},
                {"test_split", "test_split", f(0.2), -1},
                {"seed", "seed", i(113), -1},
                {"start_char", "start_char", i(1), -1},
                {"oov_char", "oov_char", i(2), -1},
                {"index_from", "index_from", i(3), -1}},
               {{"file", "reuters.npz"}, {"word_index", "reuters_word_index.json"}},
               false});
  r.push_back({F::Dataset,
               "imdb",
               "numpy (imdb.npz)",
               {},
               {{"num_words", "num_words", SetupValue::expr("None"), -1},
                {"skip_top", "skip_top", i(0), -1},
                {"maxlen", "maxlen", SetupValue::expr("None"), -1},
                {"seed", "seed", i(113), -1},
                {"start_char", "start_char", i(1), -1},
                {"oov_char", "oov_char", i(2), -1},
                {"index_from", "index_from", i(3), -1}},
               {{"file", "imdb.npz"}, {"word_index", "imdb_word_index.json"}},
               false});
  return r;
}

}  // namespace

const std::vector<SetupRow>& training_rows() {
  static const std::vector<SetupRow> rows = build();
  return rows;
}

}  // namespace nnport::frameworks::pytorch
