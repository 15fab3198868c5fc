// Keras training scripts around models with several outputs or a prediction wrapper: one loss per
// output with loss_weights, the trained model wrapped with Softmax for predict(), a helper
// function used only while building the model, a second model of the file.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <algorithm>

#include "readers/keras/reader.h"
#include "readers/keras/script_reader.h"
#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r, const std::string& class_name = "") {
  readers::ReadOptions options;
  options.class_name = class_name;
  nnport::testing::read_keras_with_script(source, r, options);
}

size_t count_kind(const std::vector<ScriptStep>& steps, ScriptStep::Kind kind) {
  size_t n = 0;
  for (const auto& s : steps) {
    n += s.kind == kind;
    for (const auto& c : s.clauses) n += count_kind(c.body, kind);
  }
  return n;
}

std::string render(Read& r) {
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net",
                                                       r.model->entry_module().graph, r.diags);
  return writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer)
      .python;
}

const char* kTwoOutputs = R"(import numpy as np
import keras
from keras import layers

x = np.zeros((8, 4), dtype="float32")
y_kind = np.zeros((8,), dtype="int64")
y_score = np.zeros((8, 1), dtype="float32")
inputs = keras.Input(shape=(4,))
score = layers.Dense(1, name="score")(inputs)
kind = layers.Dense(3, name="kind")(inputs)
model = keras.Model(inputs, [score, kind])
model.compile(optimizer="adam",
              loss={"kind": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    "score": "mse"},
              loss_weights={"kind": 1.0, "score": 0.3})
model.fit(x, {"kind": y_kind, "score": y_score}, epochs=1)
)";

TEST(KerasScriptOutputs, OneLossPerOutputInOutputOrderWithItsWeight) {
  Read r;
  read(kTwoOutputs, r);
  EXPECT_EQ(r.diags.error_count(), 0u);
  const auto& per_output = r.script->setup.output_losses;
  ASSERT_EQ(per_output.size(), 2u);
  // Dict keys name the output layers: "score" is output 0, "kind" output 1.
  EXPECT_EQ(per_output[0].name, "score");
  EXPECT_EQ(per_output[0].output, 0u);
  EXPECT_EQ(per_output[0].loss.kind, "mse");
  EXPECT_DOUBLE_EQ(per_output[0].weight.f, 0.3);
  EXPECT_EQ(per_output[1].name, "kind");
  EXPECT_EQ(per_output[1].loss.kind, "cross_entropy");
  EXPECT_EQ(per_output[1].loss.input_form, "logits");
  // fit's dict of targets becomes a list in output order.
  ASSERT_EQ(r.script->setup.datasets.size(), 1u);
  EXPECT_EQ(r.script->setup.datasets[0].labels.text, "[y_score, y_kind]");
  const std::string py = render(r);
  EXPECT_NE(py.find("return 0.3 * loss_score(outputs[0], targets[0]) + 1.0 * "
                    "loss_kind(outputs[1], targets[1])"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("for inputs, *targets in train_loader:"), std::string::npos) << py;
  EXPECT_NE(py.find("\"score_loss\": lambda outputs, targets: 0.3 * loss_score"), std::string::npos)
      << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptOutputs, LossListAndWeightsOfTheWrongLengthAreReported) {
  Read r;
  std::string source = kTwoOutputs;
  source = source.substr(0, source.find("model.compile("));
  source += "model.compile(optimizer=\"sgd\", loss=[\"mse\"], loss_weights=[1.0])\n";
  read(source, r);
  EXPECT_EQ(count_kind(r.script->steps, ScriptStep::Kind::Unsupported), 1u);
  EXPECT_TRUE(r.script->setup.output_losses.empty());
}

const char* kProbabilityModel = R"(import numpy as np
import tensorflow as tf

x = np.zeros((8, 4, 3), dtype="float32")
y = np.zeros((8,), dtype="int64")
model = tf.keras.Sequential([tf.keras.layers.Flatten(input_shape=(4, 3)), tf.keras.layers.Dense(10)])
model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x, y, epochs=1)
probability_model = tf.keras.Sequential([model, tf.keras.layers.Softmax()])
predictions = probability_model.predict(x)
)";

TEST(KerasScriptOutputs, TrainedModelIsMigratedAndItsSoftmaxWrapperWrittenInTheScript) {
  Read r;
  read(kProbabilityModel, r);
  EXPECT_EQ(r.diags.error_count(), 0u);
  EXPECT_EQ(r.model->entry_module().name, "model");
  EXPECT_EQ(count_kind(r.script->steps, ScriptStep::Kind::WrapModel), 1u);
  const std::string py = render(r);
  EXPECT_NE(py.find("probability_model = nn.Sequential(model, nn.Softmax(dim=1))"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("probability_model.eval()"), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
}

TEST(KerasScriptOutputs, HelperUsedOnlyToBuildTheModelIsModelCode) {
  Read r;
  read(R"(import keras
from keras import layers

augmentation_layers = [layers.RandomFlip("horizontal")]


def augment(images):
    for layer in augmentation_layers:
        images = layer(images)
    return images


def make_model():
    inputs = keras.Input(shape=(8, 8, 3))
    x = augment(inputs)
    outputs = layers.Dense(1)(layers.Flatten()(x))
    return keras.Model(inputs, outputs)


model = make_model()
model.compile(optimizer="adam", loss="mse")
)",
       r);
  EXPECT_EQ(count_kind(r.script->steps, ScriptStep::Kind::Unsupported), 0u);
  EXPECT_EQ(count_kind(r.script->steps, ScriptStep::Kind::ModelDefinition), 1u);
}

TEST(KerasScriptOutputs, SecondModelOfTheFileIsReportedByName) {
  Read r;
  read(R"(import keras
from keras import layers

critic = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
maker = keras.Sequential([keras.Input(shape=(2,)), layers.Dense(4)])
maker.summary()
critic.compile(optimizer="sgd", loss="mse")
)",
       r, "critic");
  ASSERT_EQ(count_kind(r.script->steps, ScriptStep::Kind::Unsupported), 2u);
  const auto it = std::find_if(r.script->steps.begin(), r.script->steps.end(), [](const auto& s) {
    return s.kind == ScriptStep::Kind::Unsupported;
  });
  EXPECT_NE(it->reason.find("'maker' is a model other than the migrated 'critic'"),
            std::string::npos)
      << it->reason;
}

}  // namespace
