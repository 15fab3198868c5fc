// Keras script statements around the model: evaluate/predict inside framework-free statements,
// TensorFlow / Keras functions applied to NumPy arrays, tf.data pipeline tuning, and the parts of
// the model the migrated module does not expose as Keras does (reported).
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <string>

#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

using Read = nnport::testing::ScriptRead;

std::string errors(const DiagnosticEngine& diags) {
  std::string out;
  for (const auto& d : diags.diagnostics())
    if (d.severity == Severity::Error) out += format_diagnostic(d) + "\n";
  return out;
}

std::string pytorch_script(Read& r) {
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  return writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer)
      .python;
}

const char* kHeader = R"(import numpy as np
import tensorflow as tf
from tensorflow import keras

x_train = np.zeros((10, 3), dtype="float32")
y_train = np.zeros((10,))
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=1)
)";

TEST(KerasScriptAroundModel, EvaluateAndPredictInsideStatementsBindVariables) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
print(model.evaluate(x_train, y_train))
y_pred = np.argmax(model.predict(x_train), axis=-1)
print(f"accuracy: {model.evaluate(x_train, y_train)[1]:.3f}")
)",
                                          r);
  EXPECT_EQ(errors(r.diags), "");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("evaluation = list(evaluate("), std::string::npos) << py;
  EXPECT_NE(py.find("print(evaluation)"), std::string::npos) << py;
  EXPECT_NE(py.find("predictions = torch.cat("), std::string::npos) << py;
  EXPECT_NE(py.find("y_pred = np.argmax(predictions, axis=-1)"), std::string::npos) << py;
  // A second evaluation gets a name of its own.
  EXPECT_NE(py.find("print(f\"accuracy: {evaluation_1[1]:.3f}\")"), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptAroundModel, ConditionalEvaluationIsNotHoisted) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
show = False
print(model.evaluate(x_train, y_train) if show else None)
)",
                                          r);
  EXPECT_NE(errors(r.diags).find("train.py:12:1"), std::string::npos) << errors(r.diags);
}

TEST(KerasScriptAroundModel, FrameworkFunctionsOnArraysBecomeNumPy) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
noisy = x_train + 0.2 * tf.random.normal(shape=x_train.shape)
noisy = tf.clip_by_value(noisy, clip_value_min=0., clip_value_max=1.)
print(np.mean(keras.losses.mean_squared_error(y_train, x_train[:, -1])))
batch = tf.expand_dims(x_train[0], 0)
score = tf.nn.softmax(model.predict(batch)[0])
total = tf.reduce_sum(tf.cast(x_train, tf.float64)).numpy()
)",
                                          r);
  EXPECT_EQ(errors(r.diags), "");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("noisy = x_train + 0.2 * np.random.normal(0.0, 1.0, size=x_train.shape)"
                    ".astype(\"float32\")"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("noisy = np.clip(noisy, 0., 1.)"), std::string::npos) << py;
  EXPECT_NE(py.find("print(np.mean(np.mean(np.square(np.asarray(y_train) - "
                    "np.asarray(x_train[:, -1])), axis=-1)))"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("batch = np.expand_dims(x_train[0], 0)"), std::string::npos) << py;
  EXPECT_NE(py.find("score = (lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True))"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("total = np.sum(np.asarray(x_train).astype(\"float64\"), axis=None, "
                    "keepdims=False)\n"),
            std::string::npos)
      << py;
  // The random draw is warned: NumPy draws other numbers.
  bool warned = false;
  for (const auto& d : r.diags.diagnostics())
    warned = warned || (d.code == Code::TrainingConvention && d.location.line == 11);
  EXPECT_TRUE(warned);
}

TEST(KerasScriptAroundModel, ArrayFunctionsInLambdasOrWithASeedAreReported) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
expand = lambda x: tf.expand_dims(x, -1)
noise = tf.random.normal(shape=(3,), seed=1)
)",
                                          r);
  const std::string e = errors(r.diags);
  EXPECT_NE(e.find("train.py:11:1"), std::string::npos) << e;
  EXPECT_NE(e.find("train.py:12:1"), std::string::npos) << e;
}

TEST(KerasScriptAroundModel, LayerListIsReportedAndHistoryAttributesKept) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
bn1 = model.layers[1]
print([(var.name, var.trainable) for var in bn1.variables])
print(history.params)
print(history.history["loss"])
print(history.epoch)
print(history.model)
)",
                                          r);
  const std::string e = errors(r.diags);
  EXPECT_NE(e.find("train.py:11:1: error: model.layers: Keras' layer list"), std::string::npos)
      << e;
  EXPECT_NE(e.find("train.py:12:1"), std::string::npos) << e;  // reads bn1
  EXPECT_EQ(e.find("train.py:13:1"), std::string::npos) << e;  // History.params is kept
  EXPECT_EQ(e.find("train.py:14:1"), std::string::npos) << e;  // History.history is kept
  EXPECT_EQ(e.find("train.py:15:1"), std::string::npos) << e;  // History.epoch is kept
  EXPECT_NE(e.find("train.py:16:1"), std::string::npos) << e;  // History.model is not
  // The migrated History records what the script reads: the epochs run, and fit's parameters
  // (Keras' verbose "auto" is 1; steps are the training batches of an epoch).
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("history = SimpleNamespace(history={}, epoch=[])  # what Keras' History holds\n"
                    "    history.params = {\"verbose\": 1, \"epochs\": 1, \"steps\": "
                    "len(train_loader)}\n"),
            std::string::npos)
      << py;
  const size_t logged = py.find("history.history.setdefault(name, []).append(value)\n");
  ASSERT_NE(logged, std::string::npos) << py;
  EXPECT_NE(py.find("history.epoch.append(epoch)\n", logged), std::string::npos) << py;
}

TEST(KerasScriptAroundModel, HistoryHoldsOnlyWhatTheScriptReads) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
print(history.history["loss"])
)",
                                          r);
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("history = SimpleNamespace(history={})"), std::string::npos) << py;
  EXPECT_EQ(py.find(".epoch.append"), std::string::npos) << py;
}

TEST(KerasScriptAroundModel, TfDataTuningOfAnImageFolderIsDropped) {
  Read r;
  nnport::testing::read_keras_with_script(R"(import tensorflow as tf
from tensorflow import keras

train_ds = keras.utils.image_dataset_from_directory("photos", image_size=(8, 8), batch_size=4)
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)
model = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.Flatten(),
                          keras.layers.Dense(2)])
model.compile(optimizer="adam",
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(train_ds, epochs=1)
ds2 = train_ds.map(lambda x, y: (x, y), num_parallel_calls=AUTOTUNE)
)",
                                          r);
  const std::string e = errors(r.diags);
  EXPECT_EQ(e.find("train.py:5:"), std::string::npos) << e;
  EXPECT_EQ(e.find("train.py:6:"), std::string::npos) << e;
  // AUTOTUNE elsewhere is a framework object's use: reported.
  EXPECT_NE(e.find("train.py:12:1"), std::string::npos) << e;
}

TEST(KerasScriptAroundModel, FitWithAnUnmigratedAugmentationIsReported) {
  Read r;
  nnport::testing::read_keras_with_script(R"(import numpy as np
from tensorflow import keras

x = np.zeros((4, 8, 8, 3), dtype="float32")
y = np.zeros((4,))
model = keras.Sequential([keras.Input(shape=(8, 8, 3)), keras.layers.RandomRotation(0.1),
                          keras.layers.Flatten(), keras.layers.Dense(2)])
model.compile(optimizer="adam", loss="mse")
history = model.fit(x, y, epochs=1)
print(history.history["loss"])
)",
                                          r);
  const std::string e = errors(r.diags);
  EXPECT_NE(e.find("train.py:9:1: error: fit(...) trains the model, and its "
                   "layers.RandomRotation (line 6) raises in training mode"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("train.py:10:1"), std::string::npos) << e;  // reads the History not made
}

}  // namespace
