// Keras reader: the ways a Keras model is written (Sequential, Functional, subclassed, builder
// functions, module-level models; Keras 3 and tf.keras imports) and the weights-file names.
#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

TEST(KerasReaderStyles, SequentialListWithInput) {
  auto r = read(R"(
import keras
from keras import layers

def build():
    return keras.Sequential([
        keras.Input(shape=(16,)),
        layers.Dense(32, activation="relu"),
        layers.Dropout(0.2),
        layers.Dense(10),
    ])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->kinds(),
            (std::vector<OpKind>{OpKind::Linear, OpKind::Relu, OpKind::Dropout, OpKind::Linear}));
  EXPECT_EQ(r->model->entry_kind, "function");
  EXPECT_EQ(r->model->entry_module().name, "build");
  const auto& g = r->graph();
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (Shape{N, 16}));
  EXPECT_EQ(r->out_type("dense_1").shape, (Shape{N, 10}));
  // Dense kernel (in, out) -> canonical (out, in); Keras 3 path by snake_case class + counter.
  const auto& k0 = r->param("dense", "weight");
  EXPECT_EQ(k0.name, "layers/dense/vars/0");
  EXPECT_EQ(k0.shape, (Shape{32, 16}));
  EXPECT_EQ(k0.source_perm, (Shape{1, 0}));
  EXPECT_EQ(k0.aliases, (std::vector<std::string>{"dense/kernel", "#0/0"}));
  EXPECT_EQ(r->param("dense", "bias").name, "layers/dense/vars/1");
  EXPECT_EQ(r->param("dense_1", "weight").name, "layers/dense_1/vars/0");
  EXPECT_EQ(r->param("dense_1", "weight").aliases.back(), "#1/0");
}

TEST(KerasReaderStyles, SequentialAddWithInputShapeAtModuleLevel) {
  auto r = read(R"(
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential(name="clf")
model.add(layers.Conv2D(8, 3, input_shape=(28, 28, 1), name="c1"))
model.add(layers.Flatten())
model.add(layers.Dense(10, activation="softmax"))
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->kinds(),
            (std::vector<OpKind>{OpKind::Conv, OpKind::Flatten, OpKind::Linear, OpKind::Softmax}));
  EXPECT_EQ(r->out_type("c1").shape, (Shape{N, 26, 26, 8}));
  EXPECT_EQ(pivot::attr_string(r->node("c1"), "data_format"), "channels_last");
  EXPECT_EQ(r->param("c1", "weight").name, "layers/conv2d/vars/0");
  // Legacy keys use the layer's name, explicit or automatic.
  EXPECT_EQ(r->param("c1", "weight").aliases.front(), "c1/kernel");
  EXPECT_EQ(r->param("dense", "weight").aliases.front(), "dense/kernel");
  EXPECT_EQ(pivot::attr_int(r->node("dense_softmax"), "axis"), -1);
}

TEST(KerasReaderStyles, FunctionalBranchesMergeAndSharedLayer) {
  auto r = read(R"(
import keras
from keras import layers

def two_towers():
    a = keras.Input(shape=(8,), name="a")
    b = keras.Input(shape=(8,), name="b")
    shared = layers.Dense(4, name="shared")
    xa = shared(a)
    xb = shared(b)
    s = layers.Add()([xa, xb])
    c = layers.Concatenate()([xa, xb])
    out = layers.Dense(1)(layers.concatenate([s, c]))
    return keras.Model(inputs=[a, b], outputs=out)
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  ASSERT_EQ(g.inputs.size(), 2u);
  EXPECT_EQ(g.inputs[0].name, "a");
  EXPECT_EQ(g.inputs[1].name, "b");
  // One layer object called twice: two nodes, one set of parameters.
  EXPECT_EQ(r->node("shared").params, r->node("shared_1").params);
  EXPECT_EQ(r->node("shared").module_path, r->node("shared_1").module_path);
  EXPECT_EQ(g.params.size(), 4u);
  EXPECT_EQ(r->out_type("concatenate").shape, (Shape{N, 8}));
  // model.layers: input_layer, input_layer_1, dense (shared), add, concatenate, ..., dense_1.
  EXPECT_EQ(r->param("shared", "weight").name, "layers/dense/vars/0");
  EXPECT_EQ(g.outputs.size(), 1u);
}

TEST(KerasReaderStyles, SubclassedModelWithCustomBlockAndTraining) {
  auto r = read(R"(
import keras
from keras import layers

class Block(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
        self.norm = layers.BatchNormalization()

    def call(self, x, training=None):
        return keras.ops.relu(self.norm(self.dense(x), training=training)) + x

class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = Block(12)
        self.head = layers.Dense(3)

    def call(self, inputs, training=False):
        x = self.block(inputs, training=training)
        return self.head(x)
)",
                with_input({N, 12}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Linear, OpKind::BatchNorm, OpKind::Relu,
                                             OpKind::Add, OpKind::Linear}));
  EXPECT_EQ(r->model->entry_kind, "class");
  EXPECT_EQ(r->graph().inputs[0].name, "inputs");
  // Keras defaults made explicit: epsilon 1e-3, canonical momentum 1 - 0.99, channel axis last.
  const auto& bn = r->node("batch_normalization");
  EXPECT_DOUBLE_EQ(pivot::attr_float(bn, "epsilon"), 1e-3);
  EXPECT_NEAR(pivot::attr_float(bn, "momentum"), 0.01, 1e-12);
  EXPECT_EQ(pivot::attr_int(bn, "axis"), 1);
  // Subclassed paths follow attribute names.
  EXPECT_EQ(r->param("dense", "weight").name, "block/dense/vars/0");
  EXPECT_EQ(r->param("batch_normalization", "running_var").name, "block/norm/vars/3");
  EXPECT_EQ(r->param("dense_1", "weight").name, "head/vars/0");
}

TEST(KerasReaderStyles, SubclassedModelAttributesAfterLayersSortIntoTheLayersList) {
  // Keras 3 visits a subclassed Model's public attributes sorted; `layers` (all direct
  // sublayers, in assignment order) comes before "out", so `out` is saved as layers/dense_1.
  auto r = read(R"(
import keras
from keras import layers

class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.body = layers.Dense(4)
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.body(x))
)",
                with_input({N, 3}));
  expect_valid(*r);
  EXPECT_EQ(r->param("dense", "weight").name, "body/vars/0");
  EXPECT_EQ(r->param("dense_1", "weight").name, "layers/dense_1/vars/0");
}

TEST(KerasReaderStyles, SubclassedModelNeedsAnInputShape) {
  auto r = read(R"(
import keras

class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.fc = keras.layers.Dense(2)

    def call(self, x):
        return self.fc(x)
)");
  EXPECT_FALSE(r->model.has_value());
  EXPECT_TRUE(r->has(Code::NeedsInputShape, 4)) << r->dump();
}

TEST(KerasReaderStyles, ListOfLayersInSubclassedLayerIsAContainer) {
  auto r = read(R"(
import keras
from keras import layers

class Stack(keras.Model):
    def __init__(self, depth=3):
        super().__init__()
        self.blocks = []
        for i in range(depth):
            self.blocks.append(layers.Dense(8, activation="tanh"))

    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return x
)",
                with_input({N, 8}));
  expect_valid(*r);
  EXPECT_EQ(r->graph().params.size(), 6u) << r->dump();
  EXPECT_EQ(r->param("dense", "weight").name, "blocks/dense/vars/0");
  EXPECT_EQ(r->param("dense_2", "bias").name, "blocks/dense_2/vars/1");
}

TEST(KerasReaderStyles, AmbiguousModelsNeedClass) {
  const std::string source = R"(
import keras
def a():
    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
def b():
    return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2)])
)";
  auto r = read(source);
  EXPECT_FALSE(r->model.has_value());
  EXPECT_TRUE(r->has(Code::AmbiguousModel)) << r->dump();
  readers::ReadOptions pick;
  pick.class_name = "b";
  auto picked = read(source, pick);
  expect_valid(*picked);
  EXPECT_EQ(picked->out_type("dense").shape, (Shape{N, 2}));
}

TEST(KerasReaderStyles, InputShapeOptionOverridesInput) {
  auto r = read(R"(
import keras
def f():
    x = keras.Input(shape=(None, 4))
    return keras.Model(x, keras.layers.Dense(2)(x))
)",
                with_input({N, 7, 4}));
  expect_valid(*r);
  EXPECT_EQ(r->out_type("dense").shape, (Shape{N, 7, 2}));
}

TEST(KerasReaderStyles, BadInputGivesDiagnosticsNotCrashes) {
  auto syntax = read("import keras\ndef f(:\n");
  EXPECT_FALSE(syntax->model.has_value());
  EXPECT_TRUE(syntax->has(Code::SyntaxError, 2)) << syntax->dump();
  auto none = read("import keras\nx = 1\n");
  EXPECT_FALSE(none->model.has_value());
  EXPECT_TRUE(none->has(Code::NoModelFound)) << none->dump();
  auto loop = read(R"(
import keras
def f():
    x = keras.Input(shape=(2,))
    for i in range(10000000):
        x = keras.layers.Dense(2)(x)
    return keras.Model(x, x)
)");
  EXPECT_TRUE(loop->has(Code::UnsupportedSyntax)) << loop->dump();
  auto dynamic = read(R"(
import keras
def f(n):
    x = keras.Input(shape=(2,))
    if n > 2:
        x = keras.layers.Dense(2)(x)
    return keras.Model(x, x)
)");
  EXPECT_TRUE(dynamic->has(Code::NotConstant, 5)) << dynamic->dump();
}

TEST(KerasReaderStyles, TfKerasSpellings) {
  auto r = read(R"(
import tensorflow as tf

def build():
    inp = tf.keras.layers.Input(shape=(6, 4))
    x = tf.keras.layers.LSTM(8, return_sequences=True)(inp)
    x = tf.reduce_mean(x, axis=1)
    x = tf.keras.layers.LeakyReLU(alpha=0.1)(x)
    x = tf.nn.softmax(tf.concat([x, x], axis=-1))
    return tf.keras.Model(inp, x)
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_DOUBLE_EQ(pivot::attr_float(r->node("leaky_re_lu"), "negative_slope"), 0.1);
  EXPECT_EQ(r->out_type("softmax").shape, (Shape{N, 16}));
  EXPECT_EQ(r->param("lstm", "weight_ih_l0").name, "layers/lstm/cell/vars/0");
}

TEST(KerasReaderStyles, TfKerasSubclassedBlocksFromAComprehension) {
  auto r = read(R"(
import tensorflow as tf
from tensorflow.keras import layers

class ResBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters, 3, padding="same", activation="relu")
        self.bn = layers.BatchNormalization()

    def call(self, x, training=False):
        return tf.nn.relu(x + self.bn(self.conv1(x), training=training))

class Net(tf.keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = layers.Conv2D(16, 3, strides=2, padding="same")
        self.blocks = [ResBlock(16) for _ in range(2)]
        self.head = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        for block in self.blocks:
            x = block(x, training=training)
        return self.head(layers.Flatten()(x))
)",
                with_input({N, 8, 8, 3}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->out_type("conv2d").shape, (Shape{N, 4, 4, 16}));
  EXPECT_EQ(r->out_type("dense").shape, (Shape{N, 10}));
  // Sorted attributes: blocks, head, layers (stem sorts after it), stem.
  EXPECT_EQ(r->param("conv2d_1", "weight").name, "blocks/res_block/conv1/vars/0");
  EXPECT_EQ(r->param("batch_normalization_1", "weight").name, "blocks/res_block_1/bn/vars/0");
  EXPECT_EQ(r->param("dense", "weight").name, "head/vars/0");
  EXPECT_EQ(r->param("conv2d", "weight").name, "layers/conv2d/vars/0");
}

TEST(KerasReaderStyles, SubclassedModelTakingAListOfInputs) {
  readers::ReadOptions two;
  two.inputs.push_back(readers::InputSpec{Shape{N, 8, 8, 1}, std::nullopt});
  two.inputs.push_back(readers::InputSpec{Shape{N, 3}, std::nullopt});
  auto r = read(R"(
import keras
from keras import layers

class ImageAndMeta(keras.Model):
    def __init__(self):
        super().__init__()
        self.conv = layers.Conv2D(4, 3, strides=2, padding="same")
        self.meta = layers.Dense(4)

    def call(self, inputs):
        image, meta = inputs
        a = layers.Flatten()(self.conv(image))
        return layers.Concatenate()([a, self.meta(meta)])
)",
                two);
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  ASSERT_EQ(r->graph().inputs.size(), 2u);
  EXPECT_EQ(r->graph().inputs[0].name, "inputs_0");
  EXPECT_EQ(r->out_type("concatenate").shape, (Shape{N, 68}));
}
