// Keras script statements of held-out tutorials: the model reloaded from its own checkpoint
// (keras.models.load_model), a tf.data pipeline batched in a second statement, and the
// MeanAbsolutePercentageError metric.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <string>

#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;

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
)";

TEST(KerasScriptReload, LoadModelOfTheCheckpointLoadsTheStateDict) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
callbacks = [keras.callbacks.ModelCheckpoint("best.keras", save_best_only=True)]
model.fit(x_train, y_train, epochs=1, validation_data=(x_train, y_train), callbacks=callbacks)
model = keras.models.load_model("best.keras", custom_objects={"Dense": keras.layers.Dense})
print(f"Test acc: {model.evaluate(x_train, y_train)[1]:.3f}")
)",
                                          r);
  EXPECT_EQ(errors(r.diags), "");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("model.load_state_dict(torch.load(\"best.keras\"))"), std::string::npos) << py;
  EXPECT_NE(py.find("print(f\"Test acc: {evaluation[1]:.3f}\")"), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptReload, LoadModelWithOtherArgumentsIsReported) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=1)
model = keras.models.load_model("best.keras", compile=False)
)",
                                          r);
  EXPECT_NE(errors(r.diags).find("[script-unsupported]"), std::string::npos) << errors(r.diags);
}

TEST(KerasScriptReload, DatasetBatchedInASecondStatement) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.shuffle(buffer_size=1024).batch(4)
model.fit(train_dataset, epochs=1)
)",
                                          r);
  EXPECT_EQ(errors(r.diags), "");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("train_dataset = make_loader(x_train, y_train, batch_size=4, shuffle=True)"),
            std::string::npos)
      << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptReload, RebatchingABatchedDatasetIsReported) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(4)
train_dataset = train_dataset.batch(2)
model.fit(train_dataset, epochs=1)
)",
                                          r);
  EXPECT_NE(errors(r.diags).find("[script-unsupported]"), std::string::npos) << errors(r.diags);
}

TEST(KerasScriptReload, MeanAbsolutePercentageErrorMetric) {
  Read r;
  nnport::testing::read_keras_with_script(std::string(kHeader) + R"(
model.compile(optimizer="adam", loss="mse",
              metrics=[keras.metrics.MeanAbsolutePercentageError(), "mape"])
model.fit(x_train, y_train, epochs=1)
)",
                                          r);
  EXPECT_EQ(errors(r.diags), "");
  const std::string py = pytorch_script(r);
  EXPECT_NE(py.find("\"mean_absolute_percentage_error\": lambda"), std::string::npos) << py;
  EXPECT_NE(py.find("\"mape\": lambda"), std::string::npos) << py;
  EXPECT_NE(py.find(".abs().clamp(min=1e-7)"), std::string::npos) << py;
}

}  // namespace
