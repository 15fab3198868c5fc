// Keras reader on models sized from their data: builtins folded on constant text
// (`len(sorted(set(text)))`), NumPy arrays followed by shape (`X_train.shape[1:]`), and sizes
// read from files bound from --input-shape, with a note, at every use.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"

namespace nnport::testing::keras_reader {
namespace {

using pivot::OpKind;

bool has_note(const ReadResult& r, Code code, uint32_t line) {
  for (const auto& d : r.diags.diagnostics())
    if (d.code == code && d.severity == Severity::Note && d.location.line == line) return true;
  return false;
}

TEST(KerasReaderDataSizes, VocabularyOfAConstantTextIsFolded) {
  auto r = read(R"(
import keras
from keras import layers
text = "The quick brown fox. The end"
chars = sorted(list(set(text.lower())))[:12]
char_indices = dict((c, i) for i, c in enumerate(chars))
words = text.split()
model = keras.Sequential(
    [keras.Input(shape=(10, len(chars))), layers.LSTM(16), layers.Dense(len(words) + len(chars))]
)
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  // "the quick brown fox. the end" has 18 distinct characters, the first 12 are kept.
  EXPECT_EQ(r->graph().values[r->graph().inputs[0].value].type.shape, (Shape{N, 10, 12}));
  EXPECT_EQ(r->graph().nodes.back().kind, OpKind::Linear);
  EXPECT_EQ(pivot::attr_int(r->graph().nodes.back(), "out_features"), 18) << r->dump();
}

TEST(KerasReaderDataSizes, SetOrderIsNeverGuessed) {
  auto r = read(R"(
import keras
from keras import layers
chars = list(set("hello"))
model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(len(chars[:2]))])
)");
  EXPECT_TRUE(r->has(Code::NotConstant, 5)) << r->dump();
}

TEST(KerasReaderDataSizes, NumpyArrayShapesAreFollowed) {
  auto r = read(R"(
import numpy as np
from tensorflow import keras
np.random.seed(42)
X_train = np.random.rand(200, 8).astype(np.float32)
X_img = np.expand_dims(np.zeros((50, 6, 5)), -1)[:10]
rng = np.random.default_rng(0)
X_extra = rng.normal(size=(30, 3)).reshape(-1, 9)
a = keras.layers.Input(shape=X_train.shape[1:])
b = keras.layers.Input(shape=X_img.shape[1:])
c = keras.layers.Input(shape=(X_extra.shape[-1],))
flat = keras.layers.Flatten()(b)
out = keras.layers.Concatenate()([a, flat, c])
model = keras.models.Model(inputs=[a, b, c], outputs=[out])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& g = r->graph();
  ASSERT_EQ(g.inputs.size(), 3u);
  EXPECT_EQ(g.values[g.inputs[0].value].type.shape, (Shape{N, 8}));
  EXPECT_EQ(g.values[g.inputs[1].value].type.shape, (Shape{N, 6, 5, 1}));
  EXPECT_EQ(g.values[g.inputs[2].value].type.shape, (Shape{N, 9}));
}

const char* kFromFile = R"(
import keras
from keras import layers
text = open("corpus.txt").read().lower()
chars = sorted(list(set(text)))
maxlen = 10
model = keras.Sequential(
    [
        keras.Input(shape=(maxlen, len(chars))),
        layers.LSTM(16),
        layers.Dense(len(chars), activation="softmax"),
    ]
)
)";

TEST(KerasReaderDataSizes, SizeFromAFileIsBoundFromInputShapeEverywhere) {
  auto r = read(kFromFile, with_input({N, 10, 21}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_TRUE(has_note(*r, Code::NeedsInputShape, 9)) << r->dump();
  EXPECT_NE(r->dump().find("len(chars) = 21"), std::string::npos) << r->dump();
  EXPECT_EQ(pivot::attr_int(r->node("dense"), "out_features"), 21) << r->dump();
}

TEST(KerasReaderDataSizes, SizeFromAFileWithoutInputShapeIsReportedAtTheInput) {
  auto r = read(kFromFile);
  EXPECT_FALSE(r->model);
  EXPECT_TRUE(r->has(Code::NeedsInputShape, 9)) << r->dump();
  EXPECT_NE(r->dump().find("'len(chars)'"), std::string::npos) << r->dump();
}

TEST(KerasReaderDataSizes, ShapeOfADataFrameComesFromInputShape) {
  const char* source = R"(
import pandas as pd
from tensorflow import keras
df = pd.read_csv("housing.csv")
X_train = df.drop(columns=["price"]).values
input_ = keras.layers.Input(shape=X_train.shape[1:])
output = keras.layers.Dense(1)(keras.layers.Dense(30, activation="relu")(input_))
model = keras.Model(inputs=[input_], outputs=[output])
)";
  auto given = read(source, with_input({N, 13}));
  expect_valid(*given);
  EXPECT_EQ(given->diags.error_count(), 0u) << given->dump();
  EXPECT_TRUE(has_note(*given, Code::NeedsInputShape, 6)) << given->dump();
  EXPECT_EQ(given->graph().values[given->graph().inputs[0].value].type.shape, (Shape{N, 13}));
  auto missing = read(source);
  EXPECT_FALSE(missing->model);
  EXPECT_TRUE(missing->has(Code::NeedsInputShape, 6)) << missing->dump();
}

}  // namespace
}  // namespace nnport::testing::keras_reader
