// Keras arguments and layers that only act in training (or through masks), as tutorials write
// them: each one is migrated with a diagnostic at its line, never dropped silently. Also
// tf.keras 2.x's InputLayer(input_shape=...) at the head of a Sequential.
#include <gtest/gtest.h>

#include "keras_reader_test_util.h"

using namespace nnport;
using namespace nnport::testing::keras_reader;

TEST(KerasTrainingOnlyLayers, RecurrentDropoutIsAWarningAtTheLayer) {
  auto r = read(R"(
import keras
from keras import layers
inputs = keras.Input(shape=(10, 4))
x = layers.GRU(8, recurrent_dropout=0.5, return_sequences=True)(inputs)
x = layers.LSTM(8, dropout=0.2)(x)
x = layers.SimpleRNN(8)(layers.RepeatVector(3)(x))
model = keras.Model(inputs, layers.Dense(1)(x))
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_TRUE(r->has(Code::TrainingOnly, 5)) << r->dump();
  EXPECT_TRUE(r->has(Code::TrainingOnly, 6)) << r->dump();
  EXPECT_FALSE(r->has(Code::TrainingOnly, 7)) << r->dump();  // no dropout: nothing to say
}

TEST(KerasTrainingOnlyLayers, NoiseLayersAreIdentityWithAWarning) {
  auto r = read(R"(
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(6,)),
    layers.GaussianNoise(0.1),
    layers.Dense(4),
    layers.AlphaDropout(0.2),
])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_TRUE(r->has(Code::TrainingOnly, 6)) << r->dump();
  EXPECT_TRUE(r->has(Code::TrainingOnly, 8)) << r->dump();
}

TEST(KerasTrainingOnlyLayers, MaskingBeforeARecurrenceIsItsPaddingMask) {
  // Keras' LSTM skips the all-zero steps Masking marks: the recurrence reads the mask
  // `max(|x|, axis=-1) == 0` (mask_input), as after Embedding(mask_zero=True).
  auto r = read(R"(
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.Masking(mask_value=0.0),
    layers.LSTM(4),
])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  const auto& lstm = r->node("lstm");
  EXPECT_TRUE(pivot::attr_bool(lstm, "mask_input"));
  ASSERT_EQ(lstm.inputs.size(), 2u);
  const int p = r->graph().producer(lstm.inputs[1]);
  ASSERT_GE(p, 0);
  EXPECT_EQ(r->graph().nodes[static_cast<size_t>(p)].kind, pivot::OpKind::Equal);
  EXPECT_EQ(r->graph().values[lstm.inputs[1]].type.shape, (Shape{N, 10}));
}

TEST(KerasTrainingOnlyLayers, MaskingWithAnotherValueIsReported) {
  // Keras multiplies x by the mask: masked steps of value 1.0 become zeros.
  auto r = read(R"(
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.Masking(mask_value=1.0),
    layers.LSTM(4),
])
)");
  EXPECT_TRUE(r->has(Code::UnsupportedArgument, 6)) << r->dump();
}

TEST(KerasTrainingOnlyLayers, MaskingBeforeDenseLayersIsAnIdentity) {
  auto r = read(R"(
import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(10, 3)),
    layers.Masking(mask_value=0.0),
    layers.Dense(4),
])
)");
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
}

TEST(KerasTrainingOnlyLayers, InputLayerWithInputShapeStartsASequential) {
  auto r = read(R"(
from tensorflow import keras
model = keras.models.Sequential()
model.add(keras.layers.InputLayer(input_shape=[None, 1]))
for rate in (1, 2) * 2:
    model.add(keras.layers.Conv1D(filters=4, kernel_size=2, padding="causal",
                                  dilation_rate=rate))
model.add(keras.layers.Conv1D(filters=3, kernel_size=1))
)",
                with_input({N, 12, 1}));
  expect_valid(*r);
  EXPECT_EQ(r->diags.error_count(), 0u) << r->dump();
  EXPECT_EQ(r->graph().inputs.size(), 1u);
}
