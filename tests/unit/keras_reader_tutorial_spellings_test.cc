// Keras reader: spellings of public examples that change no layer but must be read as Keras
// reads them: padding="SAME", "conv_dw_%d" % i layer names, backend.image_data_format(),
// **conv_args unpacked into a constructor, np.pi, dict comprehensions, and layers.Dot.
#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;
using pivot::OpKind;

TEST(KerasReaderTutorialSpellings, UpperCasePaddingIsSame) {
  auto r = read(
      "import keras\nfrom keras import layers\n"
      "model = keras.Sequential([keras.Input(shape=(8, 8, 3)),\n"
      "    layers.Conv2D(4, 3, padding='SAME', name='c'),\n"
      "    layers.MaxPooling2D(2, padding='Same', name='p')])\n");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("c").shape, (std::vector<int64_t>{pivot::kBatch, 8, 8, 4})) << r->dump();
  EXPECT_EQ(r->out_type("p").shape, (std::vector<int64_t>{pivot::kBatch, 4, 4, 4})) << r->dump();
}

TEST(KerasReaderTutorialSpellings, PercentFormattedNamesAndDataFormat) {
  auto r = read(
      "from tensorflow import keras\nfrom tensorflow.keras import backend, layers\n\n"
      "def block(x, block_id):\n"
      "    axis = 1 if backend.image_data_format() == 'channels_first' else -1\n"
      "    x = layers.Conv2D(4, 1, name='conv_pw_%d' % block_id)(x)\n"
      "    return layers.BatchNormalization(axis=axis, name='conv_pw_%d_bn' % (block_id,))(x)\n\n"
      "def make(alpha=0.5):\n"
      "    inputs = layers.Input(shape=(8, 8, 3))\n"
      "    return keras.Model(inputs, block(inputs, 3), name='mobilenet_%0.2f' % alpha)\n");
  expect_valid(*r);
  EXPECT_EQ(r->node("conv_pw_3").kind, OpKind::Conv) << r->dump();
  EXPECT_EQ(r->node("conv_pw_3_bn").kind, OpKind::BatchNorm) << r->dump();
}

TEST(KerasReaderTutorialSpellings, UnpackedDictArgumentsReachTheLayer) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n"
      "def get_model():\n"
      "    conv_args = {'activation': 'relu', 'padding': 'same'}\n"
      "    inputs = keras.Input(shape=(8, 8, 1))\n"
      "    x = layers.Conv2D(4, 3, **conv_args, name='c')(inputs)\n"
      "    return keras.Model(inputs, x)\n");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("c").shape, (std::vector<int64_t>{pivot::kBatch, 8, 8, 4})) << r->dump();
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Conv, OpKind::Relu})) << r->dump();
}

TEST(KerasReaderTutorialSpellings, UnfollowedUnpackingIsReported) {
  auto r = read(
      "import json\nimport keras\nfrom keras import layers\n"
      "conv_args = json.load(open('conv_args.json'))\n"
      "model = keras.Sequential([keras.Input(shape=(8, 8, 1)), layers.Conv2D(4, 3, "
      "**conv_args)])\n");
  EXPECT_TRUE(r->has(Code::UnsupportedSyntax, 5)) << r->dump();
}

TEST(KerasReaderTutorialSpellings, StarParametersForwardTheirArguments) {
  auto r = read(
      "import keras\nfrom keras import layers\n\n"
      "def conv(x, filters, *args, **kwargs):\n"
      "    return layers.Conv2D(filters, *args, **kwargs)(x)\n\n"
      "def get_model():\n"
      "    inputs = keras.Input(shape=(8, 8, 1))\n"
      "    x = conv(inputs, 4, 3, padding='same', name='c')\n"
      "    return keras.Model(inputs, x)\n");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("c").shape, (std::vector<int64_t>{pivot::kBatch, 8, 8, 4})) << r->dump();
}

TEST(KerasReaderTutorialSpellings, ModuleConstantsFold) {
  auto r = read(
      "import numpy as np\nimport keras\nfrom keras import layers\n"
      "scale = 1.0 / (2 * np.pi)\n"
      "model = keras.Sequential([keras.Input(shape=(4,)), layers.Rescaling(scale, name='s')])\n");
  expect_valid(*r);
  EXPECT_EQ(r->kinds(), (std::vector<OpKind>{OpKind::Mul})) << r->dump();
}

TEST(KerasReaderTutorialSpellings, DotIsABatchedProduct) {
  auto r = read(
      "import keras\nfrom keras import layers\n"
      "points = keras.Input(shape=(16, 3))\n"
      "t = layers.Reshape((3, 3))(layers.Dense(9)(layers.Flatten()(points)))\n"
      "y = layers.Dot(axes=(2, 1), name='dot')([points, t])\n"
      "z = layers.Dot(axes=2, name='dot_t')([points, points])\n"
      "model = keras.Model(points, [y, z])\n");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("dot").shape, (std::vector<int64_t>{pivot::kBatch, 16, 3})) << r->dump();
  EXPECT_EQ(r->out_type("dot_t").shape, (std::vector<int64_t>{pivot::kBatch, 16, 16})) << r->dump();
  auto bad = read(
      "import keras\nfrom keras import layers\n"
      "a = keras.Input(shape=(4,))\n"
      "model = keras.Model(a, layers.Dot(axes=1, normalize=True)([a, a]))\n");
  EXPECT_TRUE(bad->has(Code::UnsupportedArgument, 4)) << bad->dump();
}

TEST(KerasReaderTutorialSpellings, DictComprehension) {
  auto r = read(
      "import keras\nfrom keras import layers\n"
      "sizes = {k: v * 2 for k, v in {'a': 2, 'b': 4}.items() if k != 'a'}\n"
      "model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(sizes['b'], name='d')])\n");
  expect_valid(*r);
  EXPECT_EQ(r->out_type("d").shape, (std::vector<int64_t>{pivot::kBatch, 8})) << r->dump();
}
