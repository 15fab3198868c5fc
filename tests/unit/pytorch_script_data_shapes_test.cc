// PyTorch training scripts read without --input-shape: the model's input shape from the data the
// script feeds it (torchvision datasets with their transforms, windows cut by a helper, tensors
// made from arrays); custom Dataset classes read as the arrays they wrap; a bare transform; random
// training transforms written as Keras preprocessing layers.
#include <gtest/gtest.h>

#include "readers/pytorch/reader.h"
#include "readers/pytorch/script_reader.h"
#include "syntax/tree.h"
#include "writers/keras/script_steps.h"
#include "writers/script_writer.h"

using namespace nnport;
using pivot::ScriptStep;

namespace {

struct Read {
  std::optional<pivot::Model> model;
  std::optional<pivot::Script> script;
  DiagnosticEngine diags;
};

// Read with no --input-shape (the point of these tests).
void read(const std::string& source, Read& r) {
  readers::ReadOptions options;
  r.model = readers::read_pytorch("train.py", source, options, r.diags);
  if (!r.model) return;
  auto tree = syntax::Tree::parse_python("train.py", source);
  ASSERT_TRUE(tree);
  r.script = readers::read_pytorch_script(*tree, *r.model, options, r.diags);
}

std::vector<int64_t> input_shape(const pivot::Model& m) {
  const auto& g = m.entry_module().graph;
  return g.values[g.inputs.at(0).value].type.shape;
}

const Diagnostic* find(const Read& r, Code code, Severity severity, size_t line) {
  for (const auto& d : r.diags.diagnostics())
    if (d.code == code && d.severity == severity && d.location.line == line) return &d;
  return nullptr;
}

std::string dump(const Read& r) {
  std::string out;
  for (const auto& d : r.diags.diagnostics())
    out += std::to_string(d.location.line) + ": " + d.message + "\n";
  return out;
}

std::string keras_script(const Read& r, DiagnosticEngine& diags, bool& partial) {
  auto renderer = writers::keras::make_step_renderer(*r.script, "model_",
                                                     writers::keras::Api::Keras3, diags, &*r.model);
  auto out =
      writers::write_script("import keras\n\n\ndef model_():\n    pass\n", *r.script, *renderer);
  partial = out.partial;
  return out.python;
}

const char* kFashion = R"(import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

training_data = datasets.FashionMNIST(root="data", train=True, download=True, transform=ToTensor())
train_dataloader = DataLoader(training_data, batch_size=64)
device = "cuda" if torch.cuda.is_available() else "cpu"


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return self.fc(self.flatten(x))


model = NeuralNetwork().to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)


def train_loop(dataloader, model, loss_fn, optimizer):
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()


for t in range(3):
    train_loop(train_dataloader, model, loss_fn, optimizer)
)";

TEST(PytorchScriptDataShapes, TorchvisionDatasetThroughAHelperLoop) {
  Read r;
  read(kFashion, r);
  ASSERT_TRUE(r.model) << dump(r);
  EXPECT_EQ(input_shape(*r.model), (std::vector<int64_t>{pivot::kBatch, 1, 28, 28}));
  const Diagnostic* note = find(r, Code::NeedsInputShape, Severity::Note, 30);
  ASSERT_TRUE(note) << dump(r);
  EXPECT_NE(note->message.find("(N, 1, 28, 28)"), std::string::npos) << note->message;
  EXPECT_NE(note->message.find("training_data"), std::string::npos) << note->message;
}

TEST(PytorchScriptDataShapes, WindowsCutByAHelperFixTheRecurrentInput) {
  const std::string source = R"(import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

t = np.arange(0, 1000)
series = np.sin(0.02 * t) + 0.1 * np.random.randn(len(t))


def create_sequences(data, seq_length):
    xs, ys = [], []
    for i in range(len(data) - seq_length):
        xs.append(data[i:i + seq_length])
        ys.append(data[i + seq_length])
    return np.array(xs), np.array(ys)


SEQ_LEN = 30
X, y = create_sequences(series, SEQ_LEN)
X = torch.from_numpy(X).float().unsqueeze(-1)
y = torch.from_numpy(y).float().unsqueeze(-1)
train_size = int(len(X) * 0.8)
X_train, X_test = X[:train_size], X[train_size:]
y_train, y_test = y[:train_size], y[train_size:]
train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=64, shuffle=True)


class LSTMForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=50, num_layers=2, output_size=1):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size)
        out, _ = self.lstm(x, (h0, c0))
        return self.fc(out[:, -1, :])


model = LSTMForecaster()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(2):
    for xb, yb in train_loader:
        loss = criterion(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
)";
  Read r;
  read(source, r);
  ASSERT_TRUE(r.model) << dump(r);
  EXPECT_EQ(input_shape(*r.model), (std::vector<int64_t>{pivot::kBatch, 30, 1}));
  for (const auto& d : r.diags.diagnostics()) EXPECT_NE(d.severity, Severity::Error) << d.message;
}

TEST(PytorchScriptDataShapes, ArraysOfAKnownShapeAndTensorArithmetic) {
  // Slices of a generator's arrays fed in manual batches, and x.unsqueeze(-1).pow(p).
  const std::string manual = R"(import numpy as np
import torch
from torch import nn, optim

rng = np.random.default_rng(0)
X = rng.normal(size=(512, 10)).astype(np.float32)
w = rng.normal(size=(10, 1)).astype(np.float32)
y = X @ w
x_train = torch.tensor(X[:400])
y_train = torch.tensor(y[:400])
model = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 1))
for i in range(12):
    xb = x_train[i * 32:i * 32 + 32]
    pred = model(xb)
)";
  Read r;
  read(manual, r);
  ASSERT_TRUE(r.model) << dump(r);
  EXPECT_EQ(input_shape(*r.model), (std::vector<int64_t>{pivot::kBatch, 10}));

  const std::string polynomial = R"(import math
import torch

x = torch.linspace(-math.pi, math.pi, 2000)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.ReLU())
y_pred = model(xx)
)";
  Read p;
  read(polynomial, p);
  ASSERT_TRUE(p.model) << dump(p);
  EXPECT_EQ(input_shape(*p.model), (std::vector<int64_t>{pivot::kBatch, 3}));
}

const char* kTabular = R"(import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

df = pd.read_csv("diabetes.csv")
X = df.drop("Outcome", axis=1).values
y = df["Outcome"].values
X_train, y_train = X[:600], y[:600]


class TabularDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


train_loader = DataLoader(TabularDataset(X_train, y_train), batch_size=32, shuffle=True)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 3)

    def forward(self, x):
        return self.conv(x.unsqueeze(1)).mean(dim=(1, 2))


model = Net()
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
for e in range(3):
    for X_batch, y_batch in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(X_batch), y_batch)
        loss.backward()
        optimizer.step()
)";

TEST(PytorchScriptDataShapes, DataReadAtRunTimeNamesTheVariableThatWouldGiveTheShape) {
  Read r;
  read(kTabular, r);
  EXPECT_FALSE(r.model);
  // X_train is a slice of X, read from the CSV.
  const Diagnostic* note = find(r, Code::NeedsInputShape, Severity::Note, 43);
  ASSERT_TRUE(note) << dump(r);
  EXPECT_NE(note->message.find("'X'"), std::string::npos) << note->message;
}

// The same script with a model that needs no input shape.
std::string tabular_linear() {
  std::string source = kTabular;
  const std::string conv = "self.conv = nn.Conv1d(1, 4, 3)";
  source.replace(source.find(conv), conv.size(), "self.fc = nn.Linear(8, 1)");
  const std::string fwd = "return self.conv(x.unsqueeze(1)).mean(dim=(1, 2))";
  source.replace(source.find(fwd), fwd.size(), "return self.fc(x)");
  return source;
}

TEST(PytorchScriptDataShapes, InMemoryDatasetClassBecomesItsArrays) {
  const std::string source = tabular_linear();
  Read r;
  read(source, r);
  ASSERT_TRUE(r.model && r.script) << dump(r);
  for (const auto& d : r.diags.diagnostics())
    EXPECT_NE(d.code, Code::ScriptUnsupported) << d.location.line << ": " << d.message;
  const pivot::Dataset* loader = nullptr;
  for (const auto& d : r.script->setup.datasets)
    if (d.variable == "train_loader") loader = &d;
  ASSERT_TRUE(loader);
  EXPECT_EQ(loader->kind, "arrays");
  EXPECT_EQ(loader->features.text, "np.asarray(X_train, dtype=\"float32\")");
  EXPECT_EQ(loader->labels.text, "np.expand_dims(np.asarray(y_train, dtype=\"float32\"), 1)");
  EXPECT_TRUE(find(r, Code::ScriptDropped, Severity::Note, 13)) << dump(r);  // the class
  DiagnosticEngine diags;
  bool partial = true;
  const std::string py = keras_script(r, diags, partial);
  EXPECT_EQ(py.find("class TabularDataset"), std::string::npos) << py;
  EXPECT_NE(py.find("np.asarray(X_train, dtype=\"float32\"),"), std::string::npos) << py;
}

TEST(PytorchScriptDataShapes, DatasetClassDoingWorkPerItemIsReportedAtItsLine) {
  std::string source = tabular_linear();
  const std::string ret = "return self.X[idx], self.y[idx]";
  source.replace(source.find(ret), ret.size(), "return self.X[idx] * 2, self.y[idx]");
  Read r;
  read(source, r);
  const Diagnostic* d = find(r, Code::ScriptUnsupported, Severity::Error, 13);
  ASSERT_TRUE(d) << dump(r);
  EXPECT_NE(d->message.find("__getitem__ does work per item"), std::string::npos) << d->message;
}

TEST(PytorchScriptDataShapes, BareTransformAndRandomTrainingTransforms) {
  const std::string source = R"(import torch
import torch.nn as nn
import torchvision
import torchvision.transforms as transforms

transform = transforms.ToTensor()
transform_train = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
])
trainset = torchvision.datasets.CIFAR10(root="./data", train=True, download=True, transform=transform_train)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=128, shuffle=True)
testset = torchvision.datasets.CIFAR10(root="./data", train=False, download=True, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=100, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 32 * 32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(x, 1))


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for epoch in range(2):
    for inputs, targets in trainloader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
)";
  Read r;
  read(source, r);
  ASSERT_TRUE(r.model && r.script) << dump(r);
  EXPECT_EQ(input_shape(*r.model), (std::vector<int64_t>{pivot::kBatch, 3, 32, 32}));
  for (const auto& d : r.diags.diagnostics())
    EXPECT_NE(d.code, Code::ScriptUnsupported) << d.location.line << ": " << d.message;
  const pivot::Dataset* train = nullptr;
  const pivot::Dataset* test = nullptr;
  for (const auto& d : r.script->setup.datasets) {
    if (d.variable == "trainset") train = &d;
    if (d.variable == "testset") test = &d;
  }
  ASSERT_TRUE(train && test);
  ASSERT_EQ(test->transforms.size(), 1u);
  EXPECT_EQ(test->transforms[0].kind, "to_float");
  ASSERT_EQ(train->transforms.size(), 4u);
  EXPECT_EQ(train->transforms[0].kind, "random_crop");
  EXPECT_TRUE(train->transforms[0].training_only);
  EXPECT_EQ(train->transforms[0].args.at("height").i, 32);
  EXPECT_EQ(train->transforms[0].args.at("padding").i, 4);
  EXPECT_TRUE(train->transforms[1].training_only);

  // The layout planner's channels-last input (not run here): NCHW data permuted to NHWC.
  r.model->modules[r.model->entry].graph.inputs[0].source_to_target_perm = {0, 2, 3, 1};
  DiagnosticEngine diags;
  bool partial = true;
  const std::string py = keras_script(r, diags, partial);
  EXPECT_FALSE(partial) << py;
  EXPECT_NE(py.find("class AugmentedBatches(keras.utils.PyDataset):"), std::string::npos) << py;
  for (const char* layer : {"keras.layers.ZeroPadding2D(4),", "keras.layers.RandomCrop(32, 32),",
                            "keras.layers.RandomFlip(\"horizontal\"),"})
    EXPECT_NE(py.find(layer), std::string::npos) << layer << "\n" << py;
  EXPECT_NE(py.find("AugmentedBatches(trainset[0], trainset[1], trainset_augment, trainset_scale, "
                    "batch_size=128, shuffle=True)"),
            std::string::npos)
      << py;
  bool warned = false;
  for (const auto& d : diags.diagnostics())
    warned |= d.code == Code::TrainingConvention && d.severity == Severity::Warning &&
              d.message.find("random draws differ") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
