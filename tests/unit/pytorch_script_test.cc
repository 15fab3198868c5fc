// PyTorch training scripts -> pivot::Script -> Keras: model discovery inside functions with the
// script's constructor arguments, what the recogniser reads from the explicit loop (every
// hyper-parameter with torch's defaults, the loader's batching, accuracy bookkeeping, clipping)
// and what the Keras renderer makes explicit.
#include <gtest/gtest.h>

#include "script_read_util.h"

#include "readers/pytorch/reader.h"
#include "readers/pytorch/script_reader.h"
#include "writers/keras/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

const char* kScript = R"(import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        self.fc = nn.Linear(4, n_out)

    def forward(self, x):
        return self.fc(x)


def main():
    x = np.zeros((20, 4), dtype="float32")
    y = np.zeros((20,), dtype="int64")
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=5, shuffle=True)
    model = Net(n_out=5)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.01)
    for epoch in range(1, 4):
        correct = 0
        for xb, yb in loader:
            optimizer.zero_grad()
            out = model(xb)
            loss = criterion(out, yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=2.0)
            optimizer.step()
            correct += (out.argmax(1) == yb).sum().item()
        print(epoch, correct)
        torch.cuda.empty_cache()
    torch.save(model.state_dict(), "net.pt")


main()
)";

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r) {
  nnport::testing::read_pytorch_with_script(source, r);
}

TEST(PytorchScriptReader, ReadsTheModelConstructedInAFunctionWithItsArguments) {
  Read r;
  read(kScript, r);
  // Net is instantiated inside main() (not a part of another model) with n_out=5.
  const auto& graph = r.model->entry_module().graph;
  ASSERT_EQ(graph.outputs.size(), 1u);
  EXPECT_EQ(graph.values[graph.outputs[0].value].type.shape.back(), 5);
  EXPECT_EQ(r.script->model_variable, "model");
}

TEST(PytorchScriptReader, ReadsTheLoopWithTorchDefaultsMadeExplicit) {
  Read r;
  read(kScript, r);
  const auto& setup = r.script->setup;
  ASSERT_TRUE(setup.optimizer);
  EXPECT_EQ(setup.optimizer->kind, "rmsprop");
  EXPECT_DOUBLE_EQ(setup.optimizer->args.at("rho").f, 0.99);  // torch's alpha default
  EXPECT_FALSE(setup.optimizer->args.at("rho").from_source);
  EXPECT_EQ(setup.optimizer->clip, pivot::Optimizer::Clip::GlobalNorm);
  EXPECT_DOUBLE_EQ(setup.optimizer->clip_value.f, 2.0);
  ASSERT_TRUE(setup.loss);
  EXPECT_EQ(setup.loss->input_form, "logits");
  ASSERT_EQ(setup.metrics.size(), 1u);
  EXPECT_EQ(setup.metrics[0].kind, "sparse_categorical_accuracy");
  ASSERT_EQ(r.script->fits.size(), 1u);
  const auto& fit = r.script->fits[0];
  EXPECT_EQ(fit.epochs.i, 3);  // range(1, 4)
  EXPECT_EQ(fit.batch_size.i, 5);
  EXPECT_TRUE(fit.shuffle.b);
}

TEST(PytorchScriptReader, ReportsAnUnknownStatementOfTheEpochLoop) {
  Read r;
  read(kScript, r);
  bool found = false;
  for (const auto& d : r.diags.diagnostics())
    found |= d.code == Code::ScriptUnsupported && d.location.line == 34;
  EXPECT_TRUE(found) << "torch.cuda.empty_cache() inside the epoch loop must be reported";
}

TEST(PytorchScriptRenderer, WritesKerasObjectsWithEveryDifferingDefault) {
  Read r;
  read(kScript, r);
  DiagnosticEngine diags;
  auto renderer =
      writers::keras::make_step_renderer(*r.script, "Net", writers::keras::Api::Keras3, diags);
  auto out =
      writers::write_script("import keras\n\n\ndef Net():\n    pass\n", *r.script, *renderer);
  const std::string& py = out.python;
  EXPECT_NE(py.find("model = Net()"), std::string::npos) << py;
  // rho=alpha 0.99 and eps 1e-8 outside the root -> 1e-16 inside; clip_grad_norm_ ->
  // global_clipnorm.
  EXPECT_NE(py.find("keras.optimizers.RMSprop(learning_rate=0.01, rho=0.99, epsilon=1e-16, "
                    "global_clipnorm=2.0)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("keras.losses.SparseCategoricalCrossentropy(from_logits=True)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("batch_size=5,"), std::string::npos) << py;
  EXPECT_NE(py.find("shuffle=True,"), std::string::npos) << py;
  EXPECT_NE(py.find("model.save_weights(\"net.weights.h5\")"), std::string::npos) << py;
  EXPECT_NE(py.find("# TODO(nnport):"), std::string::npos) << py;
  EXPECT_TRUE(out.partial);
}

// The constructs of held-out scripts: a module-level nn.Sequential, random_split, early stopping
// written in the loop, OneCycleLR stepped every batch, a prediction under no_grad.
const char* kHeldOut = R"(import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

x = np.zeros((40, 4), dtype="float32")
y = np.zeros((40, 1), dtype="float32")
dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
n_val = len(dataset) // 4
train_set, val_set = random_split(dataset, [len(dataset) - n_val, n_val],
                                  generator=torch.Generator().manual_seed(3))
train_loader = DataLoader(train_set, batch_size=8, shuffle=True)
val_loader = DataLoader(val_set, batch_size=8)
model = nn.Sequential(nn.Linear(4, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, epochs=3,
                                                steps_per_epoch=len(train_loader),
                                                cycle_momentum=False)
best, bad = float("inf"), 0
for epoch in range(3):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
    val_loss = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            val_loss += criterion(model(xb), yb).item() * xb.size(0)
    val_loss /= len(val_set)
    if val_loss < best - 1e-3:
        best = val_loss
        bad = 0
        torch.save(model.state_dict(), "best.pt")
    else:
        bad += 1
        if bad >= 2:
            break
with torch.no_grad():
    predictions = model(torch.from_numpy(x[:2]))
)";

TEST(PytorchScriptReader, ReadsHeldOutConstructs) {
  Read r;
  read(kHeldOut, r);
  const auto& s = *r.script;
  EXPECT_EQ(s.model_variable, "model");
  size_t splits = 0;
  for (const auto& d : s.setup.datasets) splits += d.kind == "split_of" && d.parent == "dataset";
  EXPECT_EQ(splits, 2u);
  ASSERT_EQ(s.setup.schedules.size(), 1u);
  EXPECT_EQ(s.setup.schedules[0].kind, "one_cycle");
  EXPECT_EQ(s.setup.schedules[0].unit, "batch");
  ASSERT_EQ(s.setup.callbacks.size(), 2u);
  EXPECT_EQ(s.setup.callbacks[0].kind, "early_stopping");
  EXPECT_EQ(s.setup.callbacks[0].args.at("patience").i, 2);
  EXPECT_DOUBLE_EQ(s.setup.callbacks[0].args.at("min_delta").f, 1e-3);
  EXPECT_EQ(s.setup.callbacks[1].kind, "checkpoint");
  ASSERT_EQ(s.fits.size(), 1u);
  EXPECT_EQ(s.fits[0].validation_data, "val_loader");
  bool predicts = false;
  for (const auto& step : s.steps) predicts |= step.kind == ScriptStep::Kind::Predict;
  EXPECT_TRUE(predicts);
  for (const auto& d : r.diags.diagnostics())
    EXPECT_NE(d.code, Code::ScriptUnsupported) << d.location.line << ": " << d.message;

  DiagnosticEngine diags;
  auto renderer =
      writers::keras::make_step_renderer(s, "model_", writers::keras::Api::Keras3, diags);
  auto out = writers::write_script("import keras\n\n\ndef model_():\n    pass\n", s, *renderer);
  const std::string& py = out.python;
  EXPECT_NE(py.find("n_val = len(np.asarray(y)) // 4"), std::string::npos) << py;
  EXPECT_NE(py.find("_split_order = torch_randperm(len(np.asarray(y)), 3)"), std::string::npos)
      << py;
  EXPECT_NE(py.find("class OneCycleSchedule(keras.optimizers.schedules.LearningRateSchedule)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("keras.optimizers.Adam(learning_rate=scheduler"), std::string::npos) << py;
  EXPECT_NE(py.find("total_steps=(3) * (math.ceil(len(train_set[1]) / 8))"), std::string::npos)
      << py;
  EXPECT_NE(py.find("keras.callbacks.EarlyStopping(monitor=\"val_loss\", min_delta=0.001, "
                    "patience=2, mode=\"min\")"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("predictions = model.predict(np.asarray(x[:2]), verbose=0)"), std::string::npos)
      << py;
  EXPECT_FALSE(out.partial) << py;
}

TEST(PytorchScriptReader, ReportsOneCycleMomentumCycling) {
  std::string source = kHeldOut;
  const std::string from = "cycle_momentum=False";
  source.replace(source.find(from), from.size(), "cycle_momentum=True");
  Read r;
  read(source, r);
  DiagnosticEngine diags;
  auto renderer =
      writers::keras::make_step_renderer(*r.script, "model_", writers::keras::Api::Keras3, diags);
  auto out =
      writers::write_script("import keras\n\n\ndef model_():\n    pass\n", *r.script, *renderer);
  EXPECT_TRUE(out.partial);
  bool reported = false;
  for (const auto& d : diags.diagnostics())
    reported |= d.code == Code::ScriptUnsupported && d.location.line == 17;
  EXPECT_TRUE(reported) << out.python;
}

// A loop whose data nnport cannot follow stays a TODO, and the scheduler it steps every batch
// must not come out as an epoch schedule (a LearningRateScheduler callback): it is reported at
// the scheduler instead.
const char* kUnreadLoopBatchSchedule = R"(import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

t = torch.linspace(0, 1, 40)
train_loader = DataLoader(TensorDataset(t.reshape(10, 4), t[:10]), batch_size=5)
model = nn.Sequential(nn.Linear(4, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
num_epochs = 3
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_epochs * len(train_loader))
for epoch in range(num_epochs):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = torch.mean((model(xb) - yb) ** 2)
        loss.backward()
        optimizer.step()
        scheduler.step()
)";

TEST(PytorchScriptRenderer, ReportsABatchScheduleOfAnUnreadLoop) {
  Read r;
  read(kUnreadLoopBatchSchedule, r);
  ASSERT_EQ(r.script->setup.schedules.size(), 1u);
  EXPECT_EQ(r.script->setup.schedules[0].unit, "batch");
  DiagnosticEngine diags;
  auto renderer =
      writers::keras::make_step_renderer(*r.script, "model_", writers::keras::Api::Keras3, diags);
  auto out =
      writers::write_script("import keras\n\n\ndef model_():\n    pass\n", *r.script, *renderer);
  EXPECT_TRUE(out.partial);
  EXPECT_EQ(out.python.find("LearningRateScheduler("), std::string::npos) << out.python;
  bool reported = false;
  for (const auto& d : diags.diagnostics())
    reported |= d.code == Code::ScriptUnsupported && d.location.line == 10;
  EXPECT_TRUE(reported) << out.python;
}

}  // namespace
