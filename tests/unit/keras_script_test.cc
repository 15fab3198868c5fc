// Keras training scripts -> pivot::Script -> PyTorch: what the reader fills in (every
// hyper-parameter, Keras' defaults marked as such, "accuracy" resolved from the loss) and what
// the PyTorch renderer makes explicit (conventions rows 21-23).
#include <gtest/gtest.h>

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
data = keras.datasets.mnist.load_data()
model.save_weights("w.weights.h5")
)";

struct Read {
  std::optional<pivot::Model> model;
  std::optional<pivot::Script> script;
  DiagnosticEngine diags;
};

void read(const std::string& source, Read& r) {
  readers::ReadOptions options;
  r.model = readers::read_keras("train.py", source, options, r.diags);
  ASSERT_TRUE(r.model.has_value());
  auto tree = syntax::Tree::parse_python("train.py", source);
  ASSERT_TRUE(tree);
  r.script = readers::read_keras_script(*tree, *r.model, options, r.diags);
  ASSERT_TRUE(r.script.has_value());
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
        step.text == "data = keras.datasets.mnist.load_data()") {
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

}  // namespace
