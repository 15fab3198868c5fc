// PyTorch training scripts -> pivot::Script -> Keras: model discovery inside functions with the
// script's constructor arguments, what the recogniser reads from the explicit loop (every
// hyper-parameter with torch's defaults, the loader's batching, accuracy bookkeeping, clipping)
// and what the Keras renderer makes explicit.
#include <gtest/gtest.h>

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

struct Read {
  std::optional<pivot::Model> model;
  std::optional<pivot::Script> script;
  DiagnosticEngine diags;
};

void read(const std::string& source, Read& r) {
  readers::ReadOptions options;
  options.inputs.push_back(
      readers::InputSpec{std::vector<int64_t>{pivot::kBatch, 4}, std::nullopt});
  r.model = readers::read_pytorch("train.py", source, options, r.diags);
  ASSERT_TRUE(r.model.has_value());
  auto tree = syntax::Tree::parse_python("train.py", source);
  ASSERT_TRUE(tree);
  r.script = readers::read_pytorch_script(*tree, *r.model, options, r.diags);
  ASSERT_TRUE(r.script.has_value());
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

}  // namespace
