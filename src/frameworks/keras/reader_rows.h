// Keras -> pivot direction of the Keras correspondence: which reading rule handles each Keras
// layer class, and what each activation string means. Attribute keywords, variable orders and
// variable permutations come from the LayerRow table (layer_table.h), read in reverse, so one
// table describes both directions.
#pragma once

#include <optional>
#include <string_view>

#include "pivot/graph.h"

namespace nnport::frameworks::keras {

// How a Keras layer class becomes pivot nodes (readers/keras/layer_calls.cc).
enum class ReadRule {
  Dense,
  Conv,
  ConvTranspose,
  DepthwiseConv,
  SeparableConv,
  Pool,
  GlobalPool,
  BatchNorm,
  LayerNorm,
  GroupNorm,
  Dropout,
  Identity,
  Flatten,
  Reshape,
  Permute,
  RepeatVector,
  Embedding,
  Recurrent,
  Bidirectional,
  TimeDistributed,
  MultiHeadAttention,
  Activation,
  ReLU,
  LeakyReLU,
  PReLU,
  ELU,
  Softmax,
  UpSampling,
  ZeroPadding,
  Cropping,
  Rescaling,
  Normalization,
  Merge,
  AddParameter,
  PrependParameter,
  SequenceMask,
  ZeroPaddedSteps,
  RandomAugment,
  Dot,
};

struct ReaderRow {
  std::string_view keras_class;  // as spelled in Keras ("Conv2D", "GlobalAveragePooling1D")
  ReadRule rule;
  pivot::OpKind kind;  // main pivot op
  int rank = 0;        // spatial rank of {1,2,3}D classes
};

// The row of a Keras layer class (short name, `keras.layers.` stripped), or nullptr.
const ReaderRow* find_reader_row(std::string_view keras_class);

// What an activation string (or `keras.activations.X` function) means in the pivot.
struct ActivationMeaning {
  pivot::OpKind kind;
  pivot::Attrs attrs;  // explicit parameter values (leaky_relu slope 0.2, softmax axis -1)
};
// nullopt for "linear" / None (identity) is signalled by `identity`; unknown names by nullopt.
std::optional<ActivationMeaning> activation_meaning(std::string_view name, bool tf_keras,
                                                    bool& identity);

}  // namespace nnport::frameworks::keras
