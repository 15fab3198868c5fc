// Keras training scripts -> pivot::Script -> PyTorch: what the reader fills in (every
// hyper-parameter, Keras' defaults marked as such, "accuracy" resolved from the loss) and what
// the PyTorch renderer makes explicit (conventions rows 21-23).
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

const char* kScript = R"(import numpy as np
import keras

x_train = np.zeros((10, 4), dtype="float32")
y_train = np.zeros((10,), dtype="int64")
model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=2, validation_split=0.2)
data = keras.datasets.cifar100.load_data()
model.save_weights("w.weights.h5")
)";

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r) {
  nnport::testing::read_keras_with_script(source, r);
}

TEST(KerasScriptReader, FillsEveryHyperParameterWithKerasDefaults) {
  Read r;
  read(kScript, r);
  const auto& setup = r.script->setup;
  ASSERT_TRUE(setup.optimizer);
  EXPECT_EQ(setup.optimizer->kind, "adam");
  const auto& lr = setup.optimizer->args.at("learning_rate");
  EXPECT_DOUBLE_EQ(lr.f, 0.01);
  EXPECT_TRUE(lr.from_source);
  const auto& eps = setup.optimizer->args.at("epsilon");
  EXPECT_DOUBLE_EQ(eps.f, 1e-7);  // Keras' default, not torch's 1e-8
  EXPECT_FALSE(eps.from_source);
  ASSERT_TRUE(setup.loss);
  EXPECT_EQ(setup.loss->kind, "cross_entropy");
  EXPECT_EQ(setup.loss->input_form, "probabilities");
  EXPECT_EQ(setup.loss->label_form, "index");
  ASSERT_EQ(setup.metrics.size(), 1u);
  EXPECT_EQ(setup.metrics[0].kind, "sparse_categorical_accuracy");
  EXPECT_EQ(setup.metrics[0].display_name, "accuracy");
  ASSERT_EQ(r.script->fits.size(), 1u);
  const auto& fit = r.script->fits[0];
  EXPECT_EQ(fit.batch_size.i, 16);
  EXPECT_DOUBLE_EQ(fit.validation_split.f, 0.2);
  EXPECT_TRUE(fit.shuffle.b);  // Keras shuffles by default
}

TEST(KerasScriptReader, ReportsAnUnmappedFrameworkCallAtItsLine) {
  Read r;
  read(kScript, r);
  bool marked = false;
  for (const auto& step : r.script->steps)
    if (step.kind == ScriptStep::Kind::Unsupported &&
        step.text == "data = keras.datasets.cifar100.load_data()") {
      marked = true;
      EXPECT_EQ(step.location.line, 13u);
    }
  EXPECT_TRUE(marked);
  bool reported = false;
  for (const auto& d : r.diags.diagnostics())
    if (d.code == Code::ScriptUnsupported && d.location.line == 13) reported = true;
  EXPECT_TRUE(reported);
}

TEST(KerasScriptToPytorch, WritesKerasConventionsExplicitly) {
  Read r;
  read(kScript, r);
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  auto out =
      writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer);
  const std::string& py = out.python;
  EXPECT_NE(py.find("model = Net()"), std::string::npos) << py;
  EXPECT_NE(py.find("torch.optim.Adam(model.parameters(), lr=0.01, eps=1e-07)"), std::string::npos)
      << py;
  EXPECT_NE(
      py.find(
          "F.nll_loss(torch.log(torch.clamp(outputs, 1e-7, 1 - 1e-7)), targets.view(-1).long())"),
      std::string::npos)
      << py;
  EXPECT_NE(py.find("split_at = int(len(x_train) * (1 - 0.2))"), std::string::npos) << py;
  EXPECT_NE(
      py.find("make_loader(x_train[:split_at], y_train[:split_at], batch_size=16, shuffle=True)"),
      std::string::npos)
      << py;
  EXPECT_NE(py.find("torch.save(model.state_dict(), \"w.weights.h5\")"), std::string::npos) << py;
  EXPECT_NE(py.find("# TODO(nnport)"), std::string::npos) << py;
  EXPECT_TRUE(out.partial);
}

// Real-world scripts (keras.io examples, TensorFlow tutorials): the statements around the model.
const char* kTutorial = R"(import numpy as np
import tensorflow as tf

print(tf.__version__)
mnist = tf.keras.datasets.mnist
(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train[..., tf.newaxis].astype("float32")


def build_model(units=8):
    inputs = tf.keras.Input(shape=(28, 28, 1))
    x = tf.keras.layers.Flatten()(inputs)
    outputs = tf.keras.layers.Dense(10)(x)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer=tf.keras.optimizers.Adam(0.01), loss="mse")
    model.summary()
    return model


callbacks = [
    tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=3),
    tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5),
]
model = build_model()
model.fit(x_train, y_train, epochs=2, validation_split=0.1, callbacks=callbacks)
)";

TEST(KerasScriptReader, ReadsTutorialStatementsAroundTheModel) {
  Read r;
  read(kTutorial, r);
  const auto& s = *r.script;
  std::vector<ScriptStep::Kind> kinds;
  std::string texts;
  for (const auto& step : s.steps) {
    kinds.push_back(step.kind);
    texts += step.text + "\n";
  }
  // The dataset, read through the module alias, in Keras' layouts.
  ASSERT_FALSE(s.setup.datasets.empty());
  const auto& d = s.setup.datasets[0];
  EXPECT_EQ(d.kind, "builtin");
  EXPECT_EQ(d.args.at("name").text, "mnist");
  EXPECT_EQ(d.builtin_split.text, "both");  // load_data(): both splits
  EXPECT_EQ(d.variable, "(x_train, y_train), (x_test, y_test)");
  // tf.newaxis is NumPy's None; print(tf.__version__) is dropped and reported.
  EXPECT_NE(texts.find("x_train = x_train[..., None].astype(\"float32\")"), std::string::npos)
      << texts;
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), ScriptStep::Kind::Unsupported), 0) << texts;
  // The builder's compile() follows the statement that calls the builder.
  for (size_t i = 0; i + 1 < s.steps.size(); ++i) {
    if (s.steps[i].kind == ScriptStep::Kind::BuildModel) {
      EXPECT_EQ(s.steps[i + 1].kind, ScriptStep::Kind::Compile);
    }
  }
  ASSERT_TRUE(s.setup.optimizer);
  EXPECT_DOUBLE_EQ(s.setup.optimizer->args.at("learning_rate").f, 0.01);
  // The callback list reaches fit().
  ASSERT_EQ(s.setup.callbacks.size(), 1u);
  EXPECT_EQ(s.setup.callbacks[0].kind, "early_stopping");
  ASSERT_EQ(s.setup.schedules.size(), 1u);
  EXPECT_EQ(s.setup.schedules[0].kind, "reduce_on_plateau");
  for (const auto& diag : r.diags.diagnostics())
    EXPECT_NE(diag.severity, Severity::Error) << diag.message;
}

TEST(KerasScriptReader, BuilderCompileReadingItsOwnParameterIsReported) {
  Read r;
  read(R"(import keras


def build_model(lr=0.01):
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    return model


model = build_model()
model.fit(x, y)
)",
       r);
  bool reported = false;
  for (const auto& d : r.diags.diagnostics())
    if (d.code == Code::ScriptUnsupported && d.location.line == 6) reported = true;
  EXPECT_TRUE(reported);
}

TEST(KerasScriptToPytorch, LoadsKerasDatasetsThroughTorchvision) {
  Read r;
  read(kTutorial, r);
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  auto out =
      writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer);
  const std::string& py = out.python;
  EXPECT_NE(py.find("(x_train, y_train), (x_test, y_test) = load_keras_dataset(\"MNIST\")"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("def load_keras_dataset("), std::string::npos) << py;
  EXPECT_EQ(py.find("TODO(nnport)"), std::string::npos) << py;
  EXPECT_FALSE(out.partial);
}

}  // namespace
