// Keras weight regularizers (kernel_regularizer=regularizers.l2(0.001), "l1", L1L2(...)):
// Keras adds l1 * sum(|w|) + l2 * sum(w^2) of each regularised variable to the training loss
// (and to the loss fit() and evaluate() report). The factors go on the pivot parameters; the
// PyTorch writer adds the same penalty to the loss. Inference is unaffected.
#include <string>

#include "readers/keras/emitter.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

namespace {

// Keras variable -> the constructor argument that regularises it.
struct RegularizedVariable {
  const char* variable;
  const char* argument;
};

constexpr RegularizedVariable kRegularizedVariables[] = {
    {"kernel", "kernel_regularizer"},
    {"bias", "bias_regularizer"},
    {"recurrent_kernel", "recurrent_regularizer"},
    {"embeddings", "embeddings_regularizer"},
    {"depthwise_kernel", "depthwise_regularizer"},
    {"pointwise_kernel", "pointwise_regularizer"},
    {"gamma", "gamma_regularizer"},
    {"beta", "beta_regularizer"},
};

// The string identifiers and their default factors.
struct RegularizerName {
  const char* name;
  double l1, l2;
};

constexpr RegularizerName kRegularizerNames[] = {
    {"l1", 0.01, 0.0}, {"l2", 0.0, 0.01}, {"l1_l2", 0.01, 0.01}};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void Emitter::regularize(pivot::ParamId id, const std::string& variable,
                         const std::string& sublayer) {
  const char* argument = nullptr;
  for (const auto& row : kRegularizedVariables)
    if (variable == row.variable) argument = row.argument;
  if (!argument) return;
  const Value* v = layer_.kwarg(argument);
  if (!v || v->kind == Value::Kind::None || v->kind == Value::Kind::Unknown) return;
  if (v->kind == Value::Kind::Const && v->constant.is_none()) return;
  // One Keras RNN bias is PyTorch's bias_ih + bias_hh: a penalty on their sum is not a
  // per-parameter one.
  if (variable == "bias" && sublayer.find("cell") != std::string::npos) return;
  double l1 = 0.0, l2 = 0.0;
  bool known = false;
  if (v->kind == Value::Kind::Const && v->constant.is_string()) {
    for (const auto& row : kRegularizerNames)
      if (v->constant.s == row.name) {
        l1 = row.l1;
        l2 = row.l2;
        known = true;
      }
  } else if (v->kind == Value::Kind::Dict) {  // regularizers.l2(...) (lambda_layers.cc)
    for (size_t i = 0; i < v->keys.size() && i < v->items.size(); ++i) {
      auto c = v->items[i].as_constant();
      auto d = c ? c->as_double() : std::nullopt;
      if (!d || !v->keys[i].is_string()) continue;
      if (v->keys[i].s == "l1") l1 = *d, known = true;
      if (v->keys[i].s == "l2") l2 = *d, known = true;
    }
  }
  if (!known) return;  // reported by check_regularizers()
  auto& p = in_.ctx().graph.params[id];
  p.l1_penalty = l1;
  p.l2_penalty = l2;
  regularized_.insert(argument);
}

void Emitter::check_regularizers() {
  for (const auto& [key, value] : layer_.kwargs) {
    if (!ends_with(key, "_regularizer") || regularized_.count(key)) continue;
    if (value.kind == Value::Kind::None || value.kind == Value::Kind::Unknown) continue;
    if (value.kind == Value::Kind::Const && value.constant.is_none()) continue;
    if (key == "activity_regularizer")
      args_.reject(key,
                   "a penalty on the layer's output is added to the training loss; nnport does "
                   "not write it");
    else if (key == "bias_regularizer" && layer_.params.count("bias_ih_l0"))
      args_.reject(key,
                   "PyTorch splits the recurrent bias into bias_ih + bias_hh; a penalty on their "
                   "sum is not written");
    else
      args_.reject(key,
                   "this regularizer is not supported here (l1, l2, l1_l2 on the layer's "
                   "own weights are)");
  }
  // A wrapped layer's (Bidirectional(LSTM(..., kernel_regularizer=...))) is not followed.
  auto wrapped = [&](const Value& v) {
    if (v.kind != Value::Kind::Layer || !v.layer) return;
    for (const auto& [key, value] : v.layer->kwargs)
      if (ends_with(key, "_regularizer") && value.kind != Value::Kind::None &&
          !(value.kind == Value::Kind::Const && value.constant.is_none()) &&
          !regularized_.count(key))
        args_.reject(key, "the regularizer of a wrapped layer is not migrated");
  };
  for (const auto& a : layer_.args) wrapped(a);
  for (const auto& [key, value] : layer_.kwargs) wrapped(value);
}

}  // namespace nnport::readers::keras
