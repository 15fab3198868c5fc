// Keras initializer tables (see initializer_rows.h).
#include "frameworks/keras/initializer_rows.h"

#include <algorithm>

namespace nnport::frameworks::keras {

using pivot::Distribution;
using pivot::FanMode;
using pivot::InitKind;

const std::vector<InitializerRow>& initializer_rows() {
  static const std::vector<InitializerRow> kRows = {
      {"zeros", "Zeros", InitKind::Zeros, {}},
      {"ones", "Ones", InitKind::Ones, {}},
      {"constant", "Constant", InitKind::Constant, {{"value", 0.0}}},
      {"random_uniform",
       "RandomUniform",
       InitKind::RandomUniform,
       {{"minval", -0.05}, {"maxval", 0.05}}},
      {"random_normal", "RandomNormal", InitKind::RandomNormal, {{"mean", 0.0}, {"stddev", 0.05}}},
      {"truncated_normal",
       "TruncatedNormal",
       InitKind::TruncatedNormal,
       {{"mean", 0.0}, {"stddev", 0.05}}},
      {"variance_scaling", "VarianceScaling", InitKind::VarianceScaling, {{"scale", 1.0}}},
      {"glorot_uniform",
       "GlorotUniform",
       InitKind::VarianceScaling,
       {},
       1.0,
       FanMode::Avg,
       Distribution::Uniform},
      {"glorot_normal",
       "GlorotNormal",
       InitKind::VarianceScaling,
       {},
       1.0,
       FanMode::Avg,
       Distribution::TruncatedNormal},
      {"he_uniform",
       "HeUniform",
       InitKind::VarianceScaling,
       {},
       2.0,
       FanMode::In,
       Distribution::Uniform},
      {"he_normal",
       "HeNormal",
       InitKind::VarianceScaling,
       {},
       2.0,
       FanMode::In,
       Distribution::TruncatedNormal},
      {"lecun_uniform",
       "LecunUniform",
       InitKind::VarianceScaling,
       {},
       1.0,
       FanMode::In,
       Distribution::Uniform},
      {"lecun_normal",
       "LecunNormal",
       InitKind::VarianceScaling,
       {},
       1.0,
       FanMode::In,
       Distribution::TruncatedNormal},
      {"orthogonal", "Orthogonal", InitKind::Orthogonal, {{"gain", 1.0}}},
      {"identity", "Identity", InitKind::Identity, {{"gain", 1.0}}},
  };
  return kRows;
}

const InitializerRow* find_initializer(const std::string& name) {
  // Other spellings keras.initializers.get() accepts.
  static const std::pair<const char*, const char*> kAliases[] = {
      {"zero", "zeros"},
      {"one", "ones"},
      {"uniform", "random_uniform"},
      {"normal", "random_normal"},
      {"IdentityInitializer", "identity"},
      {"OrthogonalInitializer", "orthogonal"},
      {"ConstantInitializer", "constant"}};
  std::string key = name;
  for (const auto& [alias, identifier] : kAliases)
    if (name == alias) key = identifier;
  for (const auto& row : initializer_rows())
    if (key == row.identifier || key == row.class_name) return &row;
  return nullptr;
}

const std::vector<VariableInitRow>& variable_init_rows() {
  static const std::vector<VariableInitRow> kRows = {
      // DepthwiseConv* name their kernel "kernel" but set it with depthwise_initializer.
      {"DepthwiseConv1D", "kernel", "depthwise_initializer", "glorot_uniform"},
      {"DepthwiseConv2D", "kernel", "depthwise_initializer", "glorot_uniform"},
      {"PReLU", "alpha", "alpha_initializer", "zeros"},
      {"", "kernel", "kernel_initializer", "glorot_uniform"},
      {"", "bias", "bias_initializer", "zeros"},
      {"", "recurrent_kernel", "recurrent_initializer", "orthogonal"},
      {"", "depthwise_kernel", "depthwise_initializer", "glorot_uniform"},
      {"", "pointwise_kernel", "pointwise_initializer", "glorot_uniform"},
      {"", "embeddings", "embeddings_initializer", "uniform"},
      {"", "gamma", "gamma_initializer", "ones"},
      {"", "beta", "beta_initializer", "zeros"},
      {"", "moving_mean", "moving_mean_initializer", "zeros"},
      {"", "moving_variance", "moving_variance_initializer", "ones"},
  };
  return kRows;
}

const VariableInitRow* find_variable_init(const std::string& layer_class,
                                          const std::string& variable) {
  for (const auto& row : variable_init_rows())
    if (row.variable == variable && layer_class == row.layer_class) return &row;
  for (const auto& row : variable_init_rows())
    if (row.variable == variable && std::string(row.layer_class).empty()) return &row;
  return nullptr;
}

std::pair<int64_t, int64_t> keras_fans(const std::vector<int64_t>& shape) {
  if (shape.empty()) return {1, 1};
  if (shape.size() == 1) return {shape[0], shape[0]};
  int64_t receptive = 1;
  for (size_t i = 0; i + 2 < shape.size(); ++i) receptive *= shape[i];
  return {shape[shape.size() - 2] * receptive, shape.back() * receptive};
}

}  // namespace nnport::frameworks::keras
