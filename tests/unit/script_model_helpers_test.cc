// Training helpers that take the model as a parameter, both ways: a Keras
// `compile_and_fit(model, window)` becomes pivot steps bound to the parameter (and a PyTorch
// function with the conventional loop around the model passed in); a PyTorch
// `train(model, loader, optimizer, epochs)` holding the epoch loop becomes fit at its call.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include <algorithm>

#include "readers/keras/reader.h"
#include "readers/keras/script_reader.h"
#include "readers/pytorch/reader.h"
#include "readers/pytorch/script_reader.h"
#include "writers/keras/script_steps.h"
#include "writers/pytorch/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

using Read = nnport::testing::ScriptRead;

void read_keras(const std::string& source, Read& r) {
  nnport::testing::read_keras_with_script(source, r);
}

void read_pytorch(const std::string& source, Read& r) {
  nnport::testing::read_pytorch_with_script(source, r);
}

bool has_code(const DiagnosticEngine& diags, Code code) {
  for (const auto& d : diags.diagnostics())
    if (d.code == code) return true;
  return false;
}

const char* kKerasHelper = R"(import tensorflow as tf

MAX_EPOCHS = 20


def compile_and_fit(model, window, patience=2):
  early_stopping = tf.keras.callbacks.EarlyStopping(monitor='val_loss',
                                                    patience=patience,
                                                    mode='min')

  model.compile(loss=tf.keras.losses.MeanSquaredError(),
                optimizer=tf.keras.optimizers.Adam(),
                metrics=[tf.keras.metrics.MeanAbsoluteError()])

  history = model.fit(window.train, epochs=MAX_EPOCHS,
                      validation_data=window.val,
                      callbacks=[early_stopping])
  return history


dense = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(1),
])
history = compile_and_fit(dense, window)
)";

TEST(KerasScriptHelpers, HelperStepsAreBoundToTheModelParameter) {
  Read r;
  read_keras(kKerasHelper, r);
  EXPECT_FALSE(has_code(r.diags, Code::ScriptUnsupported));
  const ScriptStep* helper = nullptr;
  for (const auto& step : r.script->steps)
    if (step.kind == ScriptStep::Kind::Block &&
        step.clauses[0].header.rfind("def compile_and_fit", 0) == 0)
      helper = &step;
  ASSERT_NE(helper, nullptr);
  EXPECT_TRUE(helper->definition);
  EXPECT_EQ(helper->clauses[0].header, "def compile_and_fit(model, window, patience=2):");
  std::vector<ScriptStep::Kind> kinds;
  for (const auto& step : helper->clauses[0].body) {
    kinds.push_back(step.kind);
    if (step.kind == ScriptStep::Kind::Compile || step.kind == ScriptStep::Kind::Train) {
      EXPECT_EQ(step.variable, "model");
    }
  }
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), ScriptStep::Kind::Compile), 1);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), ScriptStep::Kind::Train), 1);
  ASSERT_EQ(r.script->fits.size(), 1u);
  const auto& fit = r.script->fits[0];
  EXPECT_EQ(fit.train_data, "window.train");
  EXPECT_EQ(fit.validation_data, "window.val");
  EXPECT_EQ(fit.epochs.text, "MAX_EPOCHS");
  const pivot::Dataset* train = nullptr;
  for (const auto& d : r.script->setup.datasets)
    if (d.variable == "window.train") train = &d;
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->kind, "iterable");
  ASSERT_EQ(r.script->setup.callbacks.size(), 1u);
  EXPECT_EQ(r.script->setup.callbacks[0].args.at("patience").text, "patience");
  // The call stays a call; the module-level model is the script's model.
  EXPECT_EQ(r.script->model_variable, "dense");
  EXPECT_EQ(r.script->steps.back().kind, ScriptStep::Kind::Verbatim);
  EXPECT_EQ(r.script->steps.back().text, "history = compile_and_fit(dense, window)");
}

TEST(KerasScriptHelpers, PytorchFunctionTrainsTheModelPassedIn) {
  Read r;
  read_keras(kKerasHelper, r);
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  auto out =
      writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer);
  const std::string& py = out.python;
  EXPECT_FALSE(out.partial) << py;
  EXPECT_NE(py.find("def compile_and_fit(model, window, patience=2):\n"
                    "    optimizer = torch.optim.Adam(model.parameters(), eps=1e-07)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("        for inputs, targets in window.train:"), std::string::npos) << py;
  EXPECT_NE(py.find("evaluate(window.val)"), std::string::npos) << py;
  EXPECT_NE(py.find("elif wait_0 >= patience and epoch > 0:"), std::string::npos) << py;
  EXPECT_NE(py.find("    return history"), std::string::npos) << py;
  EXPECT_NE(py.find("dense = Net()"), std::string::npos) << py;
  EXPECT_NE(py.find("history = compile_and_fit(dense, window)"), std::string::npos) << py;
  // The data made elsewhere is said to be iterated as batches, at its line.
  bool noted = false;
  for (const auto& d : r.diags.diagnostics())
    noted |=
        d.code == Code::TrainingConvention && d.severity == Severity::Note && d.location.line == 15;
  EXPECT_TRUE(noted);
}

TEST(KerasScriptHelpers, UncalledHelperIsStillMigrated) {
  std::string source = kKerasHelper;
  source = source.substr(0, source.find("history = compile_and_fit(dense"));
  Read r;
  read_keras(source, r);
  EXPECT_FALSE(has_code(r.diags, Code::ScriptUnsupported));
  ASSERT_EQ(r.script->fits.size(), 1u);
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  auto out =
      writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer);
  EXPECT_NE(out.python.find("def compile_and_fit(model, window, patience=2):"), std::string::npos)
      << out.python;
  EXPECT_FALSE(out.partial);
}

// keras.io's run_experiment(model): the best checkpoint reloaded, and the model returned with
// fit()'s History to the name it came in with.
std::string reloading_helper(const std::string& call) {
  std::string source = kKerasHelper;
  source.replace(source.find("  return history\n"), 17,
                 "  model.load_weights(\"best.weights.h5\")\n  return history, model\n");
  source.replace(source.find("history = compile_and_fit(dense, window)"), 40, call);
  return source;
}

TEST(KerasScriptHelpers, HelperReloadsAndReturnsTheModel) {
  Read r;
  read_keras(reloading_helper("hist, dense = compile_and_fit(dense, window)\nprint(hist.epoch)\n"
                              "dense.save_weights(\"final.weights.h5\")"),
             r);
  EXPECT_FALSE(has_code(r.diags, Code::ScriptUnsupported));
  pivot::Graph graph;
  auto renderer = writers::pytorch::make_step_renderer(*r.script, "Net", graph, r.diags);
  auto out =
      writers::write_script("import torch\n\n\nclass Net:\n    pass\n", *r.script, *renderer);
  const std::string& py = out.python;
  EXPECT_FALSE(out.partial) << py;
  EXPECT_NE(py.find("    model.load_state_dict(torch.load(\"best.weights.h5\"))\n"
                    "    return history, model\n"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("hist, dense = compile_and_fit(dense, window)"), std::string::npos) << py;
  // The History returned is read for its epochs under the caller's name: the helper's records them.
  EXPECT_NE(py.find("        history.epoch.append(epoch)\n"), std::string::npos) << py;
  EXPECT_NE(py.find("torch.save(dense.state_dict(), \"final.weights.h5\")"), std::string::npos)
      << py;
}

TEST(KerasScriptHelpers, ReturnedModelBoundToAnotherNameIsReported) {
  Read r;
  read_keras(reloading_helper("history, trained = compile_and_fit(dense, window)"), r);
  EXPECT_TRUE(has_code(r.diags, Code::ScriptUnsupported));
}

const char* kTorchHelper = R"(import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)


criterion = nn.CrossEntropyLoss()


def train(model, loader, optimizer, epochs):
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(epoch, running / len(loader))


x = np.zeros((20, 4), dtype="float32")
y = np.zeros((20,), dtype="int64")
train_loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=5, shuffle=True)
model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
train(model, train_loader, opt, 4)
)";

TEST(PytorchScriptHelpers, TrainFunctionCallBecomesFit) {
  Read r;
  read_pytorch(kTorchHelper, r);
  EXPECT_FALSE(has_code(r.diags, Code::ScriptUnsupported));
  ASSERT_EQ(r.script->fits.size(), 1u);
  const auto& fit = r.script->fits[0];
  EXPECT_EQ(fit.train_data, "train_loader");
  EXPECT_EQ(fit.epochs.kind, pivot::SetupValue::Kind::Int);
  EXPECT_EQ(fit.epochs.i, 4);
  EXPECT_EQ(fit.batch_size.i, 5);
  EXPECT_TRUE(fit.shuffle.b);
  const ScriptStep* train = nullptr;
  for (const auto& step : r.script->steps)
    if (step.kind == ScriptStep::Kind::Train) train = &step;
  ASSERT_NE(train, nullptr);
  EXPECT_EQ(train->text, "train(model, train_loader, opt, 4)");
  EXPECT_EQ(train->location.line, 37u);
  auto renderer =
      writers::keras::make_step_renderer(*r.script, "Net", writers::keras::Api::Keras3, r.diags);
  auto out = writers::write_script("import keras\n", *r.script, *renderer);
  EXPECT_NE(out.python.find("model.fit("), std::string::npos) << out.python;
  EXPECT_NE(out.python.find("epochs=4,"), std::string::npos) << out.python;
  EXPECT_EQ(out.python.find("def train("), std::string::npos) << out.python;
}

TEST(PytorchScriptHelpers, TrainFunctionGivenAPartOfTheModelIsReported) {
  std::string source = kTorchHelper;
  source.replace(source.find("train(model, train_loader"), 12, "train(model.fc, ");
  Read r;
  read_pytorch(source, r);
  EXPECT_TRUE(r.script->fits.empty());
  EXPECT_TRUE(has_code(r.diags, Code::ScriptUnsupported));
}

}  // namespace
