// Keras reader: layer families -> pivot ops, with Keras semantics made explicit (padding
// amounts, defaults, parameter layouts, recurrent gate orders) and shapes after inference.
#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

namespace {

std::unique_ptr<ReadResult> functional(const std::string& input_shape, const std::string& body,
                                       const std::string& dtype = "float32") {
  return read(
      "import keras\nfrom keras import layers, ops\n\ndef model():\n    x = keras.Input(shape=" +
      input_shape + ", dtype=\"" + dtype + "\")\n    inputs = x\n" + body +
      "    return keras.Model(inputs, x)\n");
}

}  // namespace

TEST(KerasReaderLayers, ConvSameWithStrideTwoPadsExtraAtTheEnd) {
  auto r = functional(
      "(17, 16, 3)", "    x = layers.Conv2D(4, 3, strides=2, padding='same', use_bias=False)(x)\n");
  expect_valid(*r);
  const auto& conv = r->node("conv2d");
  // total = (ceil(17/2)-1)*2 + 3 - 17 = 2 -> (1, 1); (8-1)*2 + 3 - 16 = 1 -> (0, 1).
  EXPECT_EQ(pivot::attr_ints(conv, "pads"), (Shape{1, 1, 0, 1}));
  EXPECT_EQ(pivot::attr_ints(conv, "stride"), (Shape{2, 2}));
  EXPECT_FALSE(pivot::attr_bool(conv, "bias"));
  EXPECT_EQ(r->out_type("conv2d").shape, (Shape{N, 9, 8, 4}));
  const auto& w = r->param("conv2d", "weight");
  EXPECT_EQ(w.shape, (Shape{4, 3, 3, 3}));
  EXPECT_EQ(w.source_perm, (Shape{3, 2, 0, 1}));  // (kh, kw, in, out) -> (out, in, kh, kw)
  EXPECT_EQ(conv.params.count("bias"), 0u);
}

TEST(KerasReaderLayers, CausalConv1DAndPools) {
  auto r = functional("(10, 2)",
                      "    x = layers.Conv1D(3, 3, padding='causal', dilation_rate=2)(x)\n"
                      "    x = layers.MaxPooling1D(2, padding='same')(x)\n"
                      "    x = layers.AveragePooling1D(pool_size=3, strides=1)(x)\n"
                      "    x = layers.GlobalAveragePooling1D()(x)\n");
  expect_valid(*r);
  EXPECT_EQ(pivot::attr_ints(r->node("conv1d"), "pads"), (Shape{4, 0}));
  EXPECT_EQ(r->out_type("conv1d").shape, (Shape{N, 10, 3}));
  EXPECT_EQ(r->out_type("max_pooling1d").shape, (Shape{N, 5, 3}));
  EXPECT_FALSE(pivot::attr_bool(r->node("average_pooling1d"), "count_include_pad"));
  EXPECT_EQ(r->out_type("average_pooling1d").shape, (Shape{N, 3, 3}));
  EXPECT_EQ(pivot::attr_ints(r->node("global_average_pooling1d"), "axes"), (Shape{1}));
  EXPECT_EQ(r->out_type("global_average_pooling1d").shape, (Shape{N, 3}));
}

TEST(KerasReaderLayers, TransposedConvSameCropsLikeKeras) {
  auto r = functional("(5, 5, 2)",
                      "    x = layers.Conv2DTranspose(3, 3, strides=2, padding='same')(x)\n");
  expect_valid(*r);
  const auto& n = r->node("conv2d_transpose");
  EXPECT_EQ(pivot::attr_ints(n, "pads"), (Shape{0, 1, 0, 1}));  // (k - s) = 1: 0 first, 1 last
  EXPECT_EQ(r->out_type("conv2d_transpose").shape, (Shape{N, 10, 10, 3}));
  EXPECT_EQ(r->param("conv2d_transpose", "weight").shape,
            (Shape{2, 3, 3, 3}));  // (in, out, kh, kw)
}

TEST(KerasReaderLayers, DepthwiseAndSeparable) {
  auto r = functional("(8, 8, 4)",
                      "    x = layers.DepthwiseConv2D(3, padding='same')(x)\n"
                      "    x = layers.SeparableConv2D(6, 3)(x)\n");
  expect_valid(*r);
  EXPECT_EQ(pivot::attr_int(r->node("depthwise_conv2d"), "groups"), 4);
  EXPECT_EQ(r->param("depthwise_conv2d", "weight").source_perm, (Shape{2, 3, 0, 1}));
  EXPECT_EQ(r->out_type("separable_conv2d_pointwise").shape, (Shape{N, 6, 6, 6}));
  EXPECT_EQ(r->param("separable_conv2d_depthwise", "weight").name,
            "layers/separable_conv2d/vars/0");
  EXPECT_EQ(r->param("separable_conv2d_pointwise", "weight").name,
            "layers/separable_conv2d/vars/1");
  EXPECT_EQ(r->param("separable_conv2d_pointwise", "bias").name, "layers/separable_conv2d/vars/2");
}

TEST(KerasReaderLayers, NormalizationDefaults) {
  auto r = functional("(6, 5)",
                      "    x = layers.LayerNormalization()(x)\n"
                      "    x = layers.BatchNormalization(momentum=0.9, epsilon=1e-5, center=False, "
                      "scale=False)(x)\n");
  expect_valid(*r);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("layer_normalization"), "epsilon"), 1e-3);
  EXPECT_EQ(pivot::attr_ints(r->node("layer_normalization"), "normalized_shape"), (Shape{5}));
  const auto& bn = r->node("batch_normalization");
  EXPECT_FALSE(pivot::attr_bool(bn, "affine"));
  EXPECT_NEAR(pivot::attr_float(bn, "momentum"), 0.1, 1e-12);
  EXPECT_EQ(pivot::attr_int(bn, "axis"), 2);
  EXPECT_EQ(r->param("batch_normalization", "running_mean").name,
            "layers/batch_normalization/vars/0");
}

TEST(KerasReaderLayers, LstmLastStepAndStates) {
  auto r = functional(
      "(7, 3)",
      "    x, h, c = layers.LSTM(5, return_state=True)(x)\n    x = layers.Add()([x, h])\n");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& lstm = r->node("lstm");
  EXPECT_EQ(lstm.kind, OpKind::Lstm);
  EXPECT_EQ(pivot::attr_int(lstm, "hidden_size"), 5);
  const auto& k = r->param("lstm", "weight_ih_l0");
  EXPECT_EQ(k.shape, (Shape{20, 3}));
  EXPECT_EQ(k.source_perm, (Shape{1, 0}));
  EXPECT_EQ(k.name, "layers/lstm/cell/vars/0");
  EXPECT_EQ(r->param("lstm", "weight_hh_l0").name, "layers/lstm/cell/vars/1");
  EXPECT_EQ(r->param("lstm", "bias_ih_l0").name, "layers/lstm/cell/vars/2");
  EXPECT_EQ(lstm.params.count("bias_hh_l0"), 0u);  // Keras has one bias: bias_hh is zero
  EXPECT_EQ(r->out_type("add").shape, (Shape{N, 5}));
}

TEST(KerasReaderLayers, GruGateOrderAndBidirectionalSum) {
  auto r = functional(
      "(7, 3)",
      "    x = layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode='sum')(x)\n");
  expect_valid(*r);
  const auto& gru = r->node("bidirectional");
  EXPECT_EQ(gru.kind, OpKind::Gru);
  EXPECT_TRUE(pivot::attr_bool(gru, "bidirectional"));
  const auto& k = r->param("bidirectional", "weight_ih_l0_reverse");
  EXPECT_EQ(k.name, "layers/bidirectional/backward_layer/cell/vars/0");
  EXPECT_TRUE(k.transforms.empty());
  EXPECT_EQ(k.block_order, (std::vector<int64_t>{1, 0, 2}));  // z, r, h -> r, z, n
  const auto& b = r->param("bidirectional", "bias_hh_l0");
  ASSERT_TRUE(b.source_slice.has_value());
  EXPECT_EQ(b.source_slice->start, 1);
  EXPECT_EQ(b.stored_shape, (std::vector<int64_t>{2, 12}));  // one row of the (2, 3H) bias
  EXPECT_EQ(b.name, "layers/bidirectional/forward_layer/cell/vars/2");
  EXPECT_EQ(r->out_type("bidirectional_sum").shape, (Shape{N, 7, 4}));
}

// go_backwards reads the sequence reversed (a flip before the recurrence, the output left in
// processing order); inside Bidirectional it is still reported.
TEST(KerasReaderLayers, GruGoBackwardsIsReadAndReportedInsideBidirectional) {
  auto r = functional("(7, 3)", "    x = layers.GRU(4, go_backwards=True)(x)\n");
  expect_valid(*r);
  EXPECT_FALSE(r->has(Code::UnsupportedArgument, 7)) << r->dump();
  auto wrapped =
      functional("(7, 3)", "    x = layers.Bidirectional(layers.GRU(4, go_backwards=True))(x)\n");
  EXPECT_TRUE(wrapped->has(Code::UnsupportedArgument, 7)) << wrapped->dump();
}

TEST(KerasReaderLayers, MultiHeadAttentionSelf) {
  auto r =
      functional("(6, 8)", "    x = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)\n");
  expect_valid(*r);
  const auto& n = r->node("multi_head_attention");
  EXPECT_EQ(pivot::attr_int(n, "embed_dim"), 8);
  EXPECT_EQ(r->param("multi_head_attention", "key_weight").name,
            "layers/multi_head_attention/key_dense/vars/0");
  EXPECT_EQ(r->param("multi_head_attention", "value_bias").name,
            "layers/multi_head_attention/value_dense/vars/1");
  EXPECT_EQ(r->out_type("multi_head_attention").shape, (Shape{N, 6, 8}));
}

TEST(KerasReaderLayers, EmbeddingMaskZeroIsFlaggedWhereItMatters) {
  auto plain = functional(
      "(5,)", "    x = layers.Embedding(20, 4, mask_zero=True)(x)\n    x = layers.Dense(2)(x)\n",
      "int64");
  expect_valid(*plain);
  EXPECT_EQ(plain->diags.error_count(), 0u) << plain->dump();
  // A recurrence skips the masked steps exactly (the writer packs the unmasked steps first).
  auto rnn = functional(
      "(5,)", "    x = layers.Embedding(20, 4, mask_zero=True)(x)\n    x = layers.LSTM(3)(x)\n",
      "int64");
  EXPECT_EQ(rnn->diags.error_count(), 0u) << rnn->dump();
  // A mean over the steps would skip them too: not reproduced, so reported at the pool.
  auto pooled = functional("(5,)",
                           "    x = layers.Embedding(20, 4, mask_zero=True)(x)\n"
                           "    x = layers.GlobalAveragePooling1D()(x)\n",
                           "int64");
  EXPECT_TRUE(pooled->has(Code::UnsupportedArgument, 8)) << pooled->dump();
}

TEST(KerasReaderLayers, ShapeLayersAndOps) {
  auto r = functional("(4, 6)",
                      "    x = layers.Permute((2, 1))(x)\n"
                      "    x = layers.Reshape((3, 8))(x)\n"
                      "    x = ops.reshape(x, (-1, 24))\n"
                      "    x = layers.RepeatVector(2)(x)\n"
                      "    x = x[:, 0, 2:10] * 2.0 + 1.0\n"
                      "    x = ops.mean(ops.stack([x, x], axis=1), axis=1)\n");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(pivot::attr_ints(r->node("permute"), "perm"), (Shape{0, 2, 1}));
  EXPECT_EQ(pivot::attr_ints(r->node("reshape_1"), "shape"), (Shape{N, 24}));
  EXPECT_EQ(r->out_type("repeat_vector").shape, (Shape{N, 2, 24}));
  EXPECT_EQ(r->out_type("slice").shape, (Shape{N, 8}));
  EXPECT_EQ(r->out_type("mean").shape, (Shape{N, 8}));
}

TEST(KerasReaderLayers, ActivationsAreExplicit) {
  auto r = functional("(4,)",
                      "    x = layers.LeakyReLU()(x)\n"
                      "    x = layers.Activation('leaky_relu')(x)\n"
                      "    x = layers.Dense(4, activation='gelu')(x)\n"
                      "    x = layers.ReLU(max_value=6)(x)\n"
                      "    x = layers.ELU()(x)\n");
  expect_valid(*r);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("leaky_re_lu"), "negative_slope"), 0.3);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("activation_leaky_relu"), "negative_slope"), 0.2);
  EXPECT_EQ(pivot::attr_string(r->node("dense_gelu"), "approximate"), "none");
  EXPECT_EQ(r->node("re_lu").kind, OpKind::Relu6);
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("elu"), "alpha"), 1.0);
}

TEST(KerasReaderLayers, PaddingCroppingUpsampling) {
  auto r = functional("(6, 6, 2)",
                      "    x = layers.ZeroPadding2D(((1, 2), (0, 1)))(x)\n"
                      "    x = layers.Cropping2D(((1, 0), (0, 1)))(x)\n"
                      "    x = layers.UpSampling2D(2, interpolation='bilinear')(x)\n");
  expect_valid(*r);
  EXPECT_EQ(pivot::attr_ints(r->node("zero_padding2d"), "pads"), (Shape{1, 2, 0, 1, 0, 0}));
  EXPECT_EQ(r->out_type("zero_padding2d").shape, (Shape{N, 9, 7, 2}));
  EXPECT_EQ(r->out_type("cropping2d").shape, (Shape{N, 8, 6, 2}));
  EXPECT_EQ(r->out_type("up_sampling2d").shape, (Shape{N, 16, 12, 2}));
}

TEST(KerasReaderLayers, UnsupportedLayerIsReportedAtItsLine) {
  auto r = functional("(4,)", "    x = layers.Dense(3)(x)\n    x = layers.CenterCrop(2, 2)(x)\n");
  ASSERT_TRUE(r->model.has_value()) << r->dump();
  EXPECT_TRUE(r->has(Code::UnsupportedLayer, 8)) << r->dump();
  EXPECT_EQ(r->kinds().back(), OpKind::Unsupported);
}
