// PyTorch training scripts: random_split by fractions (torch's sizes), loaders made by helper
// functions, prediction loops over a loader, CrossEntropyLoss(label_smoothing) and coupled
// weight_decay, read into the pivot and written for Keras.
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
from torch.utils.data import DataLoader, TensorDataset, random_split


def make_loader(x, y, batch_size=32, shuffle=False):
    return DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=batch_size, shuffle=shuffle)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)


x = np.zeros((101, 4), dtype="float32")
y = np.zeros((101,), dtype="int64")
dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
train_set, val_set = random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(1))
train_loader = DataLoader(train_set, batch_size=10, shuffle=True)
test_loader = make_loader(x[:20], y[:20], batch_size=4)
model = Net()
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, weight_decay=0.01)
for epoch in range(2):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
preds = []
with torch.no_grad():
    for xb, _ in test_loader:
        preds.append(model(xb).argmax(dim=1))
preds = torch.cat(preds)
)";

using Read = nnport::testing::ScriptRead;

void read(const std::string& source, Read& r) {
  nnport::testing::read_pytorch_with_script(source, r);
}

const pivot::Dataset* dataset(const pivot::Script& s, const std::string& var) {
  for (const auto& d : s.setup.datasets)
    if (d.variable == var) return &d;
  return nullptr;
}

TEST(PytorchScriptDataForms, ReadsFractionsHelperLoadersAndPredictionLoops) {
  Read r;
  read(kScript, r);
  const auto& s = *r.script;
  for (const auto& d : r.diags.diagnostics())
    EXPECT_NE(d.code, Code::ScriptUnsupported) << d.location.line << ": " << d.message;
  // Fractions: torch's sizes, floor of each and the remainder from the first part on.
  const pivot::Dataset* train = dataset(s, "train_set");
  ASSERT_TRUE(train);
  const auto& lengths = train->args.at("lengths").items;
  ASSERT_EQ(lengths.size(), 2u);
  EXPECT_EQ(lengths[0].text,
            "int(len(np.asarray(y)) * 0.8) + (0 < len(np.asarray(y)) - (int(len(np.asarray(y)) * "
            "0.8) + int(len(np.asarray(y)) * 0.2)))");
  // The helper's DataLoader with the call's arguments.
  const pivot::Dataset* test = dataset(s, "test_loader");
  ASSERT_TRUE(test);
  EXPECT_EQ(test->kind, "arrays");
  EXPECT_EQ(test->features.text, "np.asarray(x[:20])");
  EXPECT_EQ(test->labels.text, "np.asarray(y[:20])");
  EXPECT_EQ(test->batch_size.i, 4);
  EXPECT_FALSE(test->shuffle.b);
  // The prediction loop and its torch.cat.
  ASSERT_EQ(s.predict_loops.size(), 1u);
  EXPECT_EQ(s.predict_loops[0].data, "test_loader");
  EXPECT_EQ(s.predict_loops[0].collect, "preds");
  EXPECT_EQ(s.predict_loops[0].argmax_axis.i, 1);
  size_t loops = 0;
  for (const auto& step : s.steps) loops += step.kind == ScriptStep::Kind::PredictLoop;
  EXPECT_EQ(loops, 2u);

  DiagnosticEngine diags;
  auto renderer = writers::keras::make_step_renderer(s, "model_", writers::keras::Api::Keras3,
                                                     diags, &*r.model);
  auto out = writers::write_script("import keras\n\n\ndef model_():\n    pass\n", s, *renderer);
  const std::string& py = out.python;
  EXPECT_FALSE(out.partial) << py;
  // One-hot labels for the smoothed cross-entropy, the categorical accuracy with them.
  EXPECT_NE(py.find("keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("np.eye(3, dtype=\"float32\")[np.asarray(train_set[1]).reshape(-1)]"),
            std::string::npos)
      << py;
  // Coupled weight decay: an L2 regularizer of weight_decay / 2 on every weight.
  EXPECT_NE(py.find("    weight.regularizer = keras.regularizers.L2(0.01 / 2)"), std::string::npos)
      << py;
  EXPECT_EQ(py.find("weight_decay=0.01,"), std::string::npos) << py;
  // The prediction loop: predict, then the loader's batches.
  EXPECT_NE(py.find("_outputs = model.predict(np.asarray(x[:20]), batch_size=4, verbose=0)"),
            std::string::npos)
      << py;
  EXPECT_NE(py.find("    preds.append(_outputs[_start:_start + 4].argmax(1))"), std::string::npos)
      << py;
  EXPECT_NE(py.find("preds = np.concatenate(preds)"), std::string::npos) << py;
}

TEST(PytorchScriptDataForms, ReadsOneSplitOfATorchvisionDataset) {
  const std::string source = R"(import torch
import torch.nn as nn
from torchvision import datasets, transforms


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)


train_data = datasets.MNIST(root="data", train=True, download=True, transform=transforms.ToTensor())
test_data = datasets.MNIST(root="data", train=False, download=True, transform=transforms.ToTensor())
model = Net()
loader = torch.utils.data.DataLoader(train_data, batch_size=4)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for epoch in range(1):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
)";
  Read r;
  read(source, r);
  const pivot::Dataset* train = dataset(*r.script, "train_data");
  const pivot::Dataset* test = dataset(*r.script, "test_data");
  ASSERT_TRUE(train && test);
  EXPECT_EQ(train->kind, "builtin");
  EXPECT_EQ(train->builtin_split.text, "train");
  EXPECT_EQ(test->builtin_split.text, "test");
  EXPECT_FALSE(train->args.count("train"));
}

}  // namespace
