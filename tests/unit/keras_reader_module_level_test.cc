// Keras reader on code written the way tutorials and books write it: module-level Functional
// code that rebinds `x`, models wrapping or calling other models, builders whose names contain
// the model variable's name, ops.arange position embeddings and custom add_weight layers.
#include <gtest/gtest.h>

#include <algorithm>

#include "keras_reader_test_util.h"

namespace nnport::testing::keras_reader {
namespace {

using pivot::OpKind;

TEST(KerasReaderModuleLevel, RebindingXRunsInOrderAndSkipsDataCode) {
  auto r = read(R"(
import numpy as np
import keras
from keras import layers
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.astype("float32") / 255
inputs = keras.Input(shape=(8,))
x = layers.Dense(16, activation="relu")(inputs)
x = layers.Dense(4)(x)
for size in [6, 5]:
    x = layers.Dense(size)(x)
model = keras.Model(inputs=inputs, outputs=x)
model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
model.fit(x_train, y_train, epochs=3)
)");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("dense_3").shape, (Shape{N, 5})) << r->dump();
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
}

TEST(KerasReaderModuleLevel, ModelWrappedInSequentialIsPartOfTheOuterModel) {
  auto r = read(R"(
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(4, 3)), tf.keras.layers.Dense(10)])
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
)",
                with_input({N, 4, 3}));
  expect_valid(*r);
  EXPECT_EQ(r->model->entry_module().name, "probability_model");
  EXPECT_EQ(r->graph().nodes.back().kind, OpKind::Softmax) << r->dump();
  EXPECT_EQ(r->param("dense", "weight").name, "layers/sequential/layers/dense/vars/0");
}

TEST(KerasReaderModuleLevel, SequentialStartingWithAModelTakesItsInputShape) {
  auto r = read(R"(
import tensorflow as tf
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(4, 3)), tf.keras.layers.Dense(10)])
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->graph().values[r->graph().inputs[0].value].type.shape, (Shape{N, 4, 3}));
  auto f = read(R"(
import keras
inputs = keras.Input(shape=(5,))
base = keras.Model(inputs, keras.layers.Dense(3)(inputs))
model = keras.Sequential([base, keras.layers.Dense(2)])
)");
  expect_valid(*f);
  EXPECT_EQ(f->diags.error_count(), 0u) << f->dump();
  EXPECT_EQ(f->graph().values[f->graph().inputs[0].value].type.shape, (Shape{N, 5}));
}

TEST(KerasReaderModuleLevel, CalledFunctionalModelIsReplayedWithItsWeights) {
  auto r = read(R"(
import keras
from keras import layers
enc_in = keras.Input(shape=(6,))
encoder = keras.Model(enc_in, layers.Dense(3)(enc_in), name="encoder")
dec_in = keras.Input(shape=(3,))
decoder = keras.Model(dec_in, layers.Dense(6)(dec_in), name="decoder")
img = keras.Input(shape=(6,))
code = encoder(img)
autoencoder = keras.Model(img, decoder(code))
)");
  expect_valid(*r);
  EXPECT_EQ(r->model->entry_module().name, "autoencoder");
  EXPECT_EQ(r->graph().nodes.size(), 2u) << r->dump();
  EXPECT_EQ(r->graph().params.at(r->graph().nodes[0].params.at("weight")).name,
            "layers/functional/layers/dense/vars/0");
  EXPECT_EQ(r->graph().params.at(r->graph().nodes[1].params.at("weight")).name,
            "layers/functional_1/layers/dense/vars/0");  // named per container
}

TEST(KerasReaderModuleLevel, BuilderNameContainingTheVariableNameIsNotAUse) {
  auto r = read(R"(
import keras
def make_model(input_shape=(4,)):
    inputs = keras.Input(shape=input_shape)
    return keras.Model(inputs, keras.layers.Dense(2)(inputs))
model = make_model(input_shape=(5,))
)");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("dense").shape, (Shape{N, 2}));
  EXPECT_EQ(r->model->entry_module().name, "model");
}

TEST(KerasReaderModuleLevel, TensorShapeInAConditionIsStatic) {
  auto r = read(R"(
import keras
from keras import layers
def block(x, filters):
    residual = x
    x = layers.Dense(filters)(x)
    if filters != residual.shape[-1]:
        residual = layers.Dense(filters)(residual)
    return layers.add([x, residual])
def build():
    inputs = keras.Input(shape=(4,))
    return keras.Model(inputs, block(block(inputs, 4), 8))
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  // Dense(4) without projection, then Dense(8) with one.
  const auto kinds = r->kinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), OpKind::Linear), 3);
}

TEST(KerasReaderModuleLevel, ArangePositionEmbeddingBecomesAddedTable) {
  auto r = read(R"(
import keras
from keras import layers, ops
class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)
    def call(self, x):
        positions = ops.arange(start=0, stop=ops.shape(x)[-1], step=1)
        return self.token_emb(x) + self.pos_emb(positions)
def build():
    inputs = keras.Input(shape=(7,), dtype="int32")
    return keras.Model(inputs, TokenAndPositionEmbedding(9, 20, 4)(inputs))
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Embedding, OpKind::AddParam}));
  EXPECT_EQ(r->graph().params.at(r->graph().nodes[1].params.at("value")).shape, (Shape{9, 4}));
}

TEST(KerasReaderModuleLevel, AddWeightLayerBuildsOnItsFirstCall) {
  auto r = read(R"(
import keras
from keras import ops
class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)
    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b
model = keras.Sequential([keras.Input(shape=(3,)), Linear(2)])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::MatMulParam, OpKind::AddParam}));
  EXPECT_EQ(r->param("linear_w", "value").shape, (Shape{3, 2}));
  // Keras saves trainable variables first: w, b, then the non-trainable count (unused here).
  EXPECT_EQ(r->param("linear_w", "value").name, "layers/linear/vars/0");
  EXPECT_EQ(r->param("linear_b", "value").name, "layers/linear/vars/1");
  EXPECT_EQ(r->out_type("linear_b").shape, (Shape{N, 2}));
}

TEST(KerasReaderModuleLevel, OtherUsesOfAnAddWeightVariableAreReported) {
  auto r = read(R"(
import keras
class Scale(keras.layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    def call(self, inputs):
        return inputs * self.scale
model = keras.Sequential([keras.Input(shape=(3,)), Scale()])
)");
  EXPECT_TRUE(r->has(Code::UnsupportedOperation, 7)) << r->dump();
  EXPECT_FALSE(r->has(Code::UnknownName)) << r->dump();
}

}  // namespace
}  // namespace nnport::testing::keras_reader
