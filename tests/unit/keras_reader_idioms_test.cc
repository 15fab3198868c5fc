// Keras reader: tutorial idioms around layers (layers.Lambda, functools.partial, initializer
// objects, `assert model.output_shape == ...`).
#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

TEST(KerasReaderIdioms, LambdaBodyBecomesOpsOfTheModel) {
  auto r = read(
      "import keras\nfrom keras import layers, ops\n\n"
      "def scale(t):\n    return ops.relu(t) * 2.0\n\n"
      "def model():\n    x = keras.Input(shape=(4,))\n    inputs = x\n"
      "    x = layers.Lambda(lambda t: t + 1.0)(x)\n    x = layers.Lambda(scale)(x)\n"
      "    return keras.Model(inputs, x)\n");
  expect_valid(*r);
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Add, OpKind::Relu, OpKind::Mul})) << r->dump();
}

TEST(KerasReaderIdioms, PartialMergesBoundAndCallArguments) {
  auto r = read(
      "import keras\nfrom functools import partial\nfrom keras import layers\n\n"
      "Dense = partial(layers.Dense, 3, activation='relu', "
      "kernel_initializer=keras.initializers.HeNormal())\n"
      "model = keras.Sequential([keras.Input(shape=(4,)), Dense(activation=None)])\n");
  expect_valid(*r);
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Linear})) << r->dump();
}

TEST(KerasReaderIdioms, OutputShapeAssertionIsChecked) {
  const std::string head =
      "import keras\nfrom keras import layers\n\ndef model():\n"
      "    model = keras.Sequential()\n    model.add(layers.Dense(5, input_shape=(4,)))\n";
  auto good = read(head + "    assert model.output_shape == (None, 5)\n    return model\n");
  expect_valid(*good);
  auto bad = read(head + "    assert model.output_shape == (None, 6)\n    return model\n");
  EXPECT_TRUE(bad->has(Code::ShapeMismatch, 7)) << bad->dump();
}
