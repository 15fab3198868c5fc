// Keras correspondence table: one row per pivot op, saying which Keras class implements it,
// how pivot attributes become Keras arguments (Keras 3 and tf.keras spellings, and the key in
// a tf.keras 2.x JSON config), and the Keras variable order of the layer's weights with each
// variable's permutation from the canonical pivot layout (catalog `param` layouts).
//
// The writer reads names and variable orders from here instead of spelling them inline, so a
// difference between the two Keras APIs is one cell of this table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "pivot/graph.h"

namespace nnport::frameworks::keras {

// How a canonical pivot parameter is permuted into the Keras variable.
enum class VarPerm {
  Identity,    // same layout (biases, BatchNormalization vectors, Embedding table)
  Transpose,   // (out, in) -> (in, out): Dense kernel
  ConvKernel,  // (out, in/groups, *k) -> (*k, in/groups, out): Conv1D/2D/3D kernel
};

struct VarRow {
  std::string_view role;      // pivot parameter role ("weight", "bias", "running_mean")
  std::string_view variable;  // Keras variable name ("kernel", "moving_mean")
  VarPerm perm = VarPerm::Identity;
  // Sublayer holding the variable ("query_dense" of MultiHeadAttention); "" = the layer itself.
  // Its kernels are reshaped to the EinsumDense shapes by the writer (lower_attention.cc).
  std::string_view sublayer = {};
};

struct ArgRow {
  std::string_view pivot_attr;  // catalog attribute ("negative_slope"); "" when derived
  std::string_view keras3;      // Keras 3 keyword ("negative_slope")
  std::string_view tf_keras;    // tf.keras 2.x keyword ("alpha")
  std::string_view json_key;    // key in a tf.keras 2.x `to_json()` config ("alpha")
  std::string_view rule;        // conversion, when not a plain copy
};

struct LayerRow {
  pivot::OpKind kind;
  std::string_view keras3_class;  // e.g. "Conv{r}D"; "" = no layer: a keras.ops / tf call
  std::string_view tf_keras_class;
  std::vector<ArgRow> args;
  std::vector<VarRow> vars;  // Keras variable order (the order of `add_weight` in build())
  std::string_view note;
};

// The row for `kind`, or nullptr when Keras has no mapping at all (e.g. `call`).
const LayerRow* find_row(pivot::OpKind kind);
const std::vector<LayerRow>& all_rows();
// Rows of transposed convs, GroupNorm, UpSampling, pads, PReLU, extra activations
// (layer_breadth_rows.cc).
std::vector<LayerRow> layer_breadth_rows();

// Keyword of `pivot_attr` for `kind` in the chosen API; the attribute name if no row says.
std::string_view keyword(pivot::OpKind kind, std::string_view pivot_attr, bool tf_keras);
std::string_view json_key(pivot::OpKind kind, std::string_view pivot_attr);

// The permutation turning the canonical parameter (of rank `rank`) into the Keras variable.
std::vector<int64_t> permutation(VarPerm perm, size_t rank);

// Activation-string spellings, for ops that map to `layers.Activation(...)` or `activation=`.
struct ActivationName {
  std::string_view keras3;
  std::string_view tf_keras;
  std::string_view json;  // the tf.keras 2.x spelling, which TensorFlow.js also knows
};
std::optional<ActivationName> activation_name(pivot::OpKind kind);

}  // namespace nnport::frameworks::keras
