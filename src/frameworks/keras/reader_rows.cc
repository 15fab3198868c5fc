// Keras class -> reading rule, and activation strings -> pivot ops (see reader_rows.h).
// Activation names come from layer_table.cc's activation_name() in reverse, plus the names that
// carry a parameter or differ between the two Keras APIs (conventions row 18).
#include "frameworks/keras/reader_rows.h"

#include <string>
#include <vector>

#include "frameworks/keras/layer_table.h"

namespace nnport::frameworks::keras {
namespace {

using pivot::OpKind;

std::vector<ReaderRow> build_rows() {
  std::vector<ReaderRow> rows = {
      {"Dense", ReadRule::Dense, OpKind::Linear},
      {"DepthwiseConv1D", ReadRule::DepthwiseConv, OpKind::Conv, 1},
      {"DepthwiseConv2D", ReadRule::DepthwiseConv, OpKind::Conv, 2},
      {"BatchNormalization", ReadRule::BatchNorm, OpKind::BatchNorm},
      {"LayerNormalization", ReadRule::LayerNorm, OpKind::LayerNorm},
      {"GroupNormalization", ReadRule::GroupNorm, OpKind::GroupNorm},
      {"Dropout", ReadRule::Dropout, OpKind::Dropout},
      // Image augmentation: identity at inference, random in training (augmentation_layers.cc).
      {"RandomFlip", ReadRule::RandomAugment, OpKind::RandomAugment},
      {"RandomRotation", ReadRule::RandomAugment, OpKind::RandomAugment},
      {"RandomZoom", ReadRule::RandomAugment, OpKind::RandomAugment},
      {"RandomTranslation", ReadRule::RandomAugment, OpKind::RandomAugment},
      {"RandomContrast", ReadRule::RandomAugment, OpKind::RandomAugment},
      {"GaussianNoise", ReadRule::Identity, OpKind::Identity},
      {"GaussianDropout", ReadRule::Identity, OpKind::Identity},
      {"AlphaDropout", ReadRule::Identity, OpKind::Identity},
      {"ActivityRegularization", ReadRule::Identity, OpKind::Identity},
      {"Masking", ReadRule::Identity, OpKind::Identity},
      {"Flatten", ReadRule::Flatten, OpKind::Flatten},
      {"Reshape", ReadRule::Reshape, OpKind::Reshape},
      {"Permute", ReadRule::Permute, OpKind::Transpose},
      {"RepeatVector", ReadRule::RepeatVector, OpKind::Tile},
      {"Embedding", ReadRule::Embedding, OpKind::Embedding},
      {"LSTM", ReadRule::Recurrent, OpKind::Lstm},
      {"GRU", ReadRule::Recurrent, OpKind::Gru},
      {"SimpleRNN", ReadRule::Recurrent, OpKind::Rnn},
      {"Bidirectional", ReadRule::Bidirectional, OpKind::Lstm},
      {"TimeDistributed", ReadRule::TimeDistributed, OpKind::Identity},
      {"MultiHeadAttention", ReadRule::MultiHeadAttention, OpKind::MultiHeadAttention},
      {"Activation", ReadRule::Activation, OpKind::Identity},
      {"ReLU", ReadRule::ReLU, OpKind::Relu},
      {"LeakyReLU", ReadRule::LeakyReLU, OpKind::LeakyRelu},
      {"PReLU", ReadRule::PReLU, OpKind::PRelu},
      {"ELU", ReadRule::ELU, OpKind::Elu},
      {"Softmax", ReadRule::Softmax, OpKind::Softmax},
      {"Rescaling", ReadRule::Rescaling, OpKind::Mul},
      {"Normalization", ReadRule::Normalization, OpKind::Sub},
      {"Add", ReadRule::Merge, OpKind::Add},
      {"Subtract", ReadRule::Merge, OpKind::Sub},
      {"Multiply", ReadRule::Merge, OpKind::Mul},
      {"Average", ReadRule::Merge, OpKind::Add},
      {"Maximum", ReadRule::Merge, OpKind::Maximum},
      {"Minimum", ReadRule::Merge, OpKind::Minimum},
      {"Concatenate", ReadRule::Merge, OpKind::Concat},
      {"Dot", ReadRule::Dot, OpKind::MatMul},  // batch_dot of two inputs (dot_layer.cc)
      // nnport's own custom layers (writers/keras/custom_layers.cc), so generated code reads back.
      {"AddParameter", ReadRule::AddParameter, OpKind::AddParam},
      {"PrependParameter", ReadRule::PrependParameter, OpKind::PrependParam},
      {"SequenceMask", ReadRule::SequenceMask, OpKind::Identity},
      {"ZeroPaddedSteps", ReadRule::ZeroPaddedSteps, OpKind::Identity},
  };
  // The {1,2,3}D families.
  struct Family {
    const char* pattern;  // "{r}" is the rank
    ReadRule rule;
    OpKind kind;
    int max_rank;
  };
  const Family families[] = {
      {"Conv{r}D", ReadRule::Conv, OpKind::Conv, 3},
      {"Convolution{r}D", ReadRule::Conv, OpKind::Conv, 3},
      {"Conv{r}DTranspose", ReadRule::ConvTranspose, OpKind::ConvTranspose, 3},
      {"SeparableConv{r}D", ReadRule::SeparableConv, OpKind::Conv, 2},
      {"MaxPooling{r}D", ReadRule::Pool, OpKind::MaxPool, 3},
      {"MaxPool{r}D", ReadRule::Pool, OpKind::MaxPool, 3},
      {"AveragePooling{r}D", ReadRule::Pool, OpKind::AvgPool, 3},
      {"AvgPool{r}D", ReadRule::Pool, OpKind::AvgPool, 3},
      {"GlobalAveragePooling{r}D", ReadRule::GlobalPool, OpKind::ReduceMean, 3},
      {"GlobalAvgPool{r}D", ReadRule::GlobalPool, OpKind::ReduceMean, 3},
      {"GlobalMaxPooling{r}D", ReadRule::GlobalPool, OpKind::ReduceMax, 3},
      {"GlobalMaxPool{r}D", ReadRule::GlobalPool, OpKind::ReduceMax, 3},
      {"SpatialDropout{r}D", ReadRule::Dropout, OpKind::Dropout, 3},
      {"UpSampling{r}D", ReadRule::UpSampling, OpKind::Resize, 3},
      {"ZeroPadding{r}D", ReadRule::ZeroPadding, OpKind::Pad, 3},
      {"Cropping{r}D", ReadRule::Cropping, OpKind::Slice, 3},
  };
  static std::vector<std::string> names;  // owns the expanded class names
  names.reserve(64);
  for (const auto& f : families)
    for (int r = 1; r <= f.max_rank; ++r) {
      std::string name = f.pattern;
      name.replace(name.find("{r}"), 3, std::to_string(r));
      names.push_back(name);
    }
  size_t i = 0;
  for (const auto& f : families)
    for (int r = 1; r <= f.max_rank; ++r) rows.push_back({names[i++], f.rule, f.kind, r});
  return rows;
}

}  // namespace

const ReaderRow* find_reader_row(std::string_view keras_class) {
  static const std::vector<ReaderRow> rows = build_rows();
  for (const auto& row : rows)
    if (row.keras_class == keras_class) return &row;
  return nullptr;
}

std::optional<ActivationMeaning> activation_meaning(std::string_view name, bool tf_keras,
                                                    bool& identity) {
  identity = name == "linear" || name.empty();
  if (identity) return std::nullopt;
  // Names whose meaning carries a parameter or depends on the API. Keras softplus has no
  // threshold; at the canonical 20 the difference is below float32 resolution.
  if (name == "softmax") return ActivationMeaning{OpKind::Softmax, {{"axis", int64_t{-1}}}};
  if (name == "log_softmax") return ActivationMeaning{OpKind::LogSoftmax, {{"axis", int64_t{-1}}}};
  if (name == "leaky_relu") return ActivationMeaning{OpKind::LeakyRelu, {{"negative_slope", 0.2}}};
  if (name == "elu") return ActivationMeaning{OpKind::Elu, {{"alpha", 1.0}}};
  if (name == "gelu")
    return ActivationMeaning{OpKind::Gelu, {{"approximate", std::string("none")}}};
  if (name == "swish" || name == "silu") return ActivationMeaning{OpKind::Silu, {}};
  if (name == "relu6") return ActivationMeaning{OpKind::Relu6, {}};
  if (name == "selu") return ActivationMeaning{OpKind::Selu, {}};
  if (name == "softplus")
    return ActivationMeaning{OpKind::Softplus, {{"beta", 1.0}, {"threshold", 20.0}}};
  if (name == "softsign") return ActivationMeaning{OpKind::Softsign, {}};
  if (name == "mish") return ActivationMeaning{OpKind::Mish, {}};
  if (name == "hard_silu" || name == "hard_swish") return ActivationMeaning{OpKind::Hardswish, {}};
  // tf.keras <= 2.15 hard_sigmoid is clip(0.2x + 0.5): no pivot op has that form.
  if (name == "hard_sigmoid" && !tf_keras) return ActivationMeaning{OpKind::Hardsigmoid, {}};
  for (OpKind kind : {OpKind::Relu, OpKind::Sigmoid, OpKind::Tanh})
    if (auto spelled = activation_name(kind))
      if ((tf_keras ? spelled->tf_keras : spelled->keras3) == name)
        return ActivationMeaning{kind, {}};
  return std::nullopt;
}

}  // namespace nnport::frameworks::keras
