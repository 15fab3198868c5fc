// The Keras correspondence rows (see layer_table.h). Variable orders follow each Keras 3
// layer's build(): Dense/Conv add kernel then bias; BatchNormalization adds gamma, beta
// (trainable) then moving_mean, moving_variance (non-trainable); Keras saves
// `_trainable_variables + _non_trainable_variables` in that order.
#include "frameworks/keras/layer_table.h"

#include <numeric>
#include <tuple>

namespace nnport::frameworks::keras {
namespace {

using pivot::OpKind;

std::vector<LayerRow> build_rows() {
  std::vector<LayerRow> rows;
  rows.push_back({OpKind::Identity, "", "", {}, {}, "no layer: the input is passed through"});
  rows.push_back(
      {OpKind::Unsupported, "", "", {}, {}, "a TODO(nnport) marker; input passed through"});
  rows.push_back({OpKind::Linear,
                  "Dense",
                  "Dense",
                  {{"out_features", "units", "units", "units", "positional"},
                   {"bias", "use_bias", "use_bias", "use_bias", "written only when False"}},
                  {{"weight", "kernel", VarPerm::Transpose}, {"bias", "bias", VarPerm::Identity}},
                  "contracts the last axis, so it also applies to 3-D inputs"});
  rows.push_back({OpKind::Embedding,
                  "Embedding",
                  "Embedding",
                  {{"num_embeddings", "input_dim", "input_dim", "input_dim", ""},
                   {"embedding_dim", "output_dim", "output_dim", "output_dim", ""}},
                  {{"weight", "embeddings", VarPerm::Identity}},
                  "padding_idx has no Keras equivalent (conventions row 13); inference is exact"});
  rows.push_back(
      {OpKind::Conv,
       "Conv{r}D",
       "Conv{r}D",
       {{"out_channels", "filters", "filters", "filters", "positional"},
        {"kernel_size", "kernel_size", "kernel_size", "kernel_size", ""},
        {"stride", "strides", "strides", "strides", "omitted when all 1"},
        {"pads", "padding", "padding", "padding",
         "zero -> 'valid'; Keras 'same' amounts -> 'same'; else ZeroPadding{r}D + 'valid'"},
        {"dilation", "dilation_rate", "dilation_rate", "dilation_rate", "omitted when all 1"},
        {"groups", "groups", "groups", "groups",
         "omitted when 1; groups == in_channels (2-D) -> DepthwiseConv2D(depth_multiplier=out/in)"},
        {"padding_mode", "", "", "",
         "reflect -> ops.pad(mode='reflect') / tf.pad(mode='REFLECT') + 'valid'; replicate "
         "only for 1-cell pads ('symmetric'); circular: TODO"},
        {"bias", "use_bias", "use_bias", "use_bias", "written only when False"}},
       {{"weight", "kernel", VarPerm::ConvKernel}, {"bias", "bias", VarPerm::Identity}},
       "channels_last only (layout planning has run); DepthwiseConv2D kernel: the "
       "ConvKernel permutation then reshape to (kh, kw, in, out/in)"});
  rows.push_back({OpKind::MaxPool,
                  "MaxPooling{r}D",
                  "MaxPooling{r}D",
                  {{"kernel_size", "pool_size", "pool_size", "pool_size", ""},
                   {"stride", "strides", "strides", "strides", "omitted when equal to pool_size"},
                   {"pads", "padding", "padding", "padding",
                    "zero -> 'valid'; Keras 'same' amounts -> 'same' (both ignore padded cells)"},
                   {"ceil_mode", "", "", "", "folded into extra trailing padding when provable"}},
                  {},
                  "other paddings have no exact Keras construction"});
  rows.push_back(
      {OpKind::AvgPool,
       "AveragePooling{r}D",
       "AveragePooling{r}D",
       {{"kernel_size", "pool_size", "pool_size", "pool_size", ""},
        {"stride", "strides", "strides", "strides", "omitted when equal to pool_size"},
        {"pads", "padding", "padding", "padding",
         "count_include_pad -> ZeroPadding{r}D + 'valid'; else Keras 'same' amounts -> 'same'"}},
       {},
       "Keras 'same' excludes padded cells from the mean (conventions row 3)"});
  rows.push_back(
      {OpKind::BatchNorm,
       "BatchNormalization",
       "BatchNormalization",
       {{"axis", "axis", "axis", "axis", "always written; -1 for the last axis"},
        {"momentum", "momentum", "momentum", "momentum", "1 - pivot momentum, always written"},
        {"epsilon", "epsilon", "epsilon", "epsilon", "always written (Keras default 1e-3)"},
        {"affine", "center", "center", "center", "written only when False"},
        {"affine", "scale", "scale", "scale", "written only when False"}},
       {{"weight", "gamma", VarPerm::Identity},
        {"bias", "beta", VarPerm::Identity},
        {"running_mean", "moving_mean", VarPerm::Identity},
        {"running_var", "moving_variance", VarPerm::Identity}},
       "track_running_stats=False (batch statistics at inference) has no Keras equivalent"});
  rows.push_back({OpKind::Dropout,
                  "Dropout",
                  "Dropout",
                  {{"rate", "rate", "rate", "rate", "positional"}},
                  {},
                  ""});
  rows.push_back(
      {OpKind::Relu, "ReLU", "ReLU", {}, {}, "fused into Dense/Conv activation= when single-use"});
  rows.push_back({OpKind::LeakyRelu,
                  "LeakyReLU",
                  "LeakyReLU",
                  {{"negative_slope", "negative_slope", "alpha", "alpha",
                    "always written (Keras default 0.3, PyTorch 0.01)"}},
                  {},
                  ""});
  rows.push_back({OpKind::Sigmoid, "Activation", "Activation", {}, {}, "Activation(\"sigmoid\")"});
  rows.push_back({OpKind::Tanh, "Activation", "Activation", {}, {}, "Activation(\"tanh\")"});
  rows.push_back({OpKind::Softmax,
                  "Softmax",
                  "Softmax",
                  {{"axis", "axis", "axis", "axis", "always written"}},
                  {},
                  ""});
  rows.push_back(
      {OpKind::LogSoftmax,
       "Activation",
       "",
       {{"axis", "axis", "axis", "axis", ""}},
       {},
       "Keras 3: Activation(\"log_softmax\") on the last axis, else keras.ops.log_softmax; "
       "tf.keras: tf.nn.log_softmax (TFOpLambda nn.log_softmax)"});
  rows.push_back(
      {OpKind::Gelu,
       "Activation",
       "Activation",
       {{"approximate", "approximate", "approximate", "approximate",
         "'none' -> Activation(\"gelu\") (exact in both); 'tanh' -> ops.gelu(approximate=True)"}},
       {},
       ""});
  rows.push_back({OpKind::Elu,
                  "ELU",
                  "ELU",
                  {{"alpha", "alpha", "alpha", "alpha", "always written"}},
                  {},
                  ""});
  rows.push_back({OpKind::Silu,
                  "Activation",
                  "Activation",
                  {},
                  {},
                  "Activation(\"silu\") in Keras 3, Activation(\"swish\") in tf.keras"});
  rows.push_back({OpKind::Flatten,
                  "Flatten",
                  "Flatten",
                  {},
                  {},
                  "start_dim=1, end_dim=-1; other ranges become Reshape"});
  rows.push_back(
      {OpKind::Reshape,
       "Reshape",
       "Reshape",
       {{"shape", "target_shape", "target_shape", "target_shape", "without the leading batch"}},
       {},
       "only when the batch stays the first axis"});
  rows.push_back(
      {OpKind::Transpose,
       "Permute",
       "Permute",
       {{"perm", "dims", "dims", "dims", "perm[1:] (1-based) when perm[0] == 0"}},
       {},
       "a batch-moving perm becomes ops.transpose / tf.transpose (TFOpLambda transpose)"});
  rows.push_back({OpKind::Squeeze, "Reshape", "Reshape", {}, {}, "needs the static output shape"});
  rows.push_back(
      {OpKind::Unsqueeze, "Reshape", "Reshape", {}, {}, "needs the static output shape"});
  rows.push_back({OpKind::Concat,
                  "Concatenate",
                  "Concatenate",
                  {{"axis", "axis", "axis", "axis", "always written"}},
                  {},
                  ""});
  rows.push_back({OpKind::Add,
                  "Add",
                  "Add",
                  {},
                  {},
                  "scalar operand: `x + c` (TFOpLambda __operators__.add)"});
  rows.push_back(
      {OpKind::Sub, "Subtract", "Subtract", {}, {}, "scalar operand: `x - c` (math.subtract)"});
  rows.push_back(
      {OpKind::Mul, "Multiply", "Multiply", {}, {}, "scalar operand: `x * c` (math.multiply)"});
  rows.push_back({OpKind::Div, "", "", {}, {}, "`a / b` (TFOpLambda math.truediv)"});
  rows.push_back({OpKind::ReduceMean,
                  "GlobalAveragePooling{r}D",
                  "GlobalAveragePooling{r}D",
                  {{"axes", "", "", "", "exactly the spatial axes of a channels-last tensor"},
                   {"keepdims", "", "", "", "followed by Reshape (TensorFlow.js has no keepdims)"}},
                  {},
                  "other axes: keras.ops.mean / tf.reduce_mean (TFOpLambda math.reduce_mean)"});
  rows.push_back({OpKind::ReduceMax,
                  "GlobalMaxPooling{r}D",
                  "GlobalMaxPooling{r}D",
                  {{"axes", "", "", "", "exactly the spatial axes of a channels-last tensor"}},
                  {},
                  "other axes: keras.ops.max / tf.reduce_max (TFOpLambda math.reduce_max)"});
  // Keras 3 saves MultiHeadAttention's EinsumDense sublayers through its public properties
  // (saving_lib visits public attributes first, sorted): key_dense, output_dense, query_dense,
  // value_dense, each kernel then bias.
  rows.push_back({OpKind::MultiHeadAttention,
                  "MultiHeadAttention",
                  "MultiHeadAttention",
                  {{"num_heads", "num_heads", "num_heads", "num_heads", ""},
                   {"embed_dim", "key_dim", "key_dim", "key_dim",
                    "embed_dim // num_heads (conventions row 14)"},
                   {"dropout", "dropout", "dropout", "dropout", "always written"},
                   {"bias", "use_bias", "use_bias", "use_bias", "written only when False"}},
                  {{"key_weight", "kernel", VarPerm::Transpose, "key_dense"},
                   {"key_bias", "bias", VarPerm::Identity, "key_dense"},
                   {"output_weight", "kernel", VarPerm::Transpose, "output_dense"},
                   {"output_bias", "bias", VarPerm::Identity, "output_dense"},
                   {"query_weight", "kernel", VarPerm::Transpose, "query_dense"},
                   {"query_bias", "bias", VarPerm::Identity, "query_dense"},
                   {"value_weight", "kernel", VarPerm::Transpose, "value_dense"},
                   {"value_bias", "bias", VarPerm::Identity, "value_dense"}},
                  "called as mha(query, value, key); kernels (in, heads, head_dim), output kernel "
                  "(heads, head_dim, out)"});
  rows.push_back(
      {OpKind::LayerNorm,
       "LayerNormalization",
       "LayerNormalization",
       {{"normalized_shape", "axis", "axis", "axis", "-1, or the list of trailing axes"},
        {"epsilon", "epsilon", "epsilon", "epsilon", "always written (Keras default 1e-3)"},
        {"elementwise_affine", "scale", "scale", "scale", "written only when False"},
        {"bias", "center", "center", "center", "written only when False"}},
       {{"weight", "gamma", VarPerm::Identity}, {"bias", "beta", VarPerm::Identity}},
       ""});
  rows.push_back(
      {OpKind::AddParam,
       "AddParameter",
       "AddParameter",
       {{"shape", "shape", "shape", "shape", ""},
        {"slice_axis", "slice_axis", "slice_axis", "slice_axis", "written only when >= 0"},
        {"perm", "perm", "perm", "perm", "written only when not the identity"}},
       {{"value", "value", VarPerm::Identity}},
       "custom layer defined in the generated module (inputs + value[slice])"});
  rows.push_back({OpKind::PrependParam,
                  "PrependParameter",
                  "PrependParameter",
                  {{"shape", "shape", "shape", "shape", ""}},
                  {{"value", "value", VarPerm::Identity}},
                  "custom layer defined in the generated module (ViT class token)"});
  rows.push_back({OpKind::ReduceSum,
                  "",
                  "",
                  {},
                  {},
                  "keras.ops.sum / tf.reduce_sum (TFOpLambda math.reduce_sum)"});
  // Recurrent layers (writers/keras/lower_recurrent.cc): one Keras layer per stacked layer,
  // wrapped in Bidirectional(merge_mode="concat") for two directions; the variables live in the
  // layer's cell (Keras 3 path <layer>/cell/vars, forward_layer/cell and backward_layer/cell).
  for (auto [kind, cls, bias_note] :
       {std::tuple{OpKind::Lstm, "LSTM", "bias = bias_ih + bias_hh (one Keras bias)"},
        std::tuple{OpKind::Gru, "GRU",
                   "bias (2, 3H) = [bias_ih; bias_hh]; gate blocks r,z,n -> z,r,h"},
        std::tuple{OpKind::Rnn, "SimpleRNN", "bias = bias_ih + bias_hh (one Keras bias)"}})
    rows.push_back(
        {kind,
         cls,
         cls,
         {{"hidden_size", "units", "units", "units", "positional (keyword inside Bidirectional)"},
          {"nonlinearity", "activation", "activation", "activation",
           "always written: tanh (LSTM/GRU), tanh/relu (SimpleRNN)"},
          {"bias", "use_bias", "use_bias", "use_bias", "always written"},
          {"num_layers", "", "", "",
           "one layer per stacked layer; return_sequences from the reads"},
          {"bidirectional", "", "", "", "Bidirectional(layer, merge_mode=\"concat\")"},
          {"dropout", "", "", "", "a Dropout layer between stacked layers (inference no-op)"}},
         {{"weight_ih_l{k}[_reverse]", "kernel", VarPerm::Transpose},
          {"weight_hh_l{k}[_reverse]", "recurrent_kernel", VarPerm::Transpose},
          {"bias_ih_l{k}[_reverse]", "bias", VarPerm::Identity}},
         bias_note});
  rows.push_back(
      {OpKind::Select,
       "",
       "",
       {},
       {},
       "absorbed into a recurrent layer's return_sequences=False output when it reads the "
       "final state; else a Python subscript x[:, -1] (SlicingOpLambda __operators__.getitem)"});
  rows.push_back({OpKind::Slice,
                  "",
                  "",
                  {},
                  {},
                  "a Python subscript x[:, 1:5, -1] (SlicingOpLambda __operators__.getitem); never "
                  "the batch axis"});
  rows.push_back({OpKind::Stack,
                  "",
                  "",
                  {{"axis", "axis", "axis", "axis", "always written"}},
                  {},
                  "keras.ops.stack / tf.stack (TFOpLambda stack)"});
  rows.push_back({OpKind::Tile,
                  "",
                  "",
                  {{"repeats", "repeats", "multiples", "multiples", "batch repeat must be 1"}},
                  {},
                  "keras.ops.tile / tf.tile (TFOpLambda tile)"});
  rows.push_back(
      {OpKind::Maximum,
       "Maximum",
       "Maximum",
       {},
       {},
       "broadcasting operands: keras.ops.maximum / tf.math.maximum (TFOpLambda math.maximum)"});
  rows.push_back(
      {OpKind::Minimum,
       "Minimum",
       "Minimum",
       {},
       {},
       "broadcasting operands: keras.ops.minimum / tf.math.minimum (TFOpLambda math.minimum)"});
  rows.push_back(
      {OpKind::L2Normalize,
       "",
       "",
       {{"axis", "axis", "axis", "axis", ""},
        {"epsilon", "epsilon", "epsilon", "epsilon",
         "Keras 3 ops.normalize: e; tf.math.l2_normalize: e^2"}},
       {},
       "keras.ops.normalize(order=2) / tf.math.l2_normalize (TFOpLambda math.l2_normalize)"});
  for (auto& row : layer_breadth_rows()) rows.push_back(std::move(row));
  return rows;
}

}  // namespace

const std::vector<LayerRow>& all_rows() {
  static const std::vector<LayerRow> rows = build_rows();
  return rows;
}

const LayerRow* find_row(pivot::OpKind kind) {
  for (const auto& row : all_rows())
    if (row.kind == kind) return &row;
  return nullptr;
}

std::string_view keyword(pivot::OpKind kind, std::string_view pivot_attr, bool tf_keras) {
  if (const auto* row = find_row(kind))
    for (const auto& arg : row->args)
      if (arg.pivot_attr == pivot_attr && !arg.keras3.empty())
        return tf_keras ? arg.tf_keras : arg.keras3;
  return pivot_attr;
}

std::string_view json_key(pivot::OpKind kind, std::string_view pivot_attr) {
  if (const auto* row = find_row(kind))
    for (const auto& arg : row->args)
      if (arg.pivot_attr == pivot_attr && !arg.json_key.empty()) return arg.json_key;
  return pivot_attr;
}

std::vector<int64_t> permutation(VarPerm perm, size_t rank) {
  switch (perm) {
    case VarPerm::Identity: return {};
    case VarPerm::Transpose: return {1, 0};
    case VarPerm::ConvKernel: {
      // (out, in/groups, k0, k1, ...) -> (k0, k1, ..., in/groups, out)
      std::vector<int64_t> p;
      for (size_t i = 2; i < rank; ++i) p.push_back(static_cast<int64_t>(i));
      p.push_back(1);
      p.push_back(0);
      return p;
    }
  }
  return {};
}

std::optional<ActivationName> activation_name(pivot::OpKind kind) {
  switch (kind) {
    case OpKind::Relu: return ActivationName{"relu", "relu", "relu"};
    case OpKind::Sigmoid: return ActivationName{"sigmoid", "sigmoid", "sigmoid"};
    case OpKind::Tanh: return ActivationName{"tanh", "tanh", "tanh"};
    case OpKind::Gelu: return ActivationName{"gelu", "gelu", "gelu"};  // exact form only
    case OpKind::Silu: return ActivationName{"silu", "swish", "swish"};
    case OpKind::LogSoftmax: return ActivationName{"log_softmax", "", "log_softmax"};
    default: return std::nullopt;
  }
}

}  // namespace nnport::frameworks::keras
