# nnport-training: data=tabular features=8 classes=3 train=101 test=32 input=N,8
"""Tabular classification with CrossEntropyLoss(label_smoothing=0.1) on class indices, a
TensorDataset split by fractions with random_split([0.8, 0.2]) (101 samples: torch's sizes
are 81 and 20, the remainder going to the first part: with batches of 20 the fifth step trains
on the 81st sample alone), a test loader made by a helper function,
and a prediction loop over it (argmax of each batch, concatenated with torch.cat).

EXPECT
fit.epochs = 2
fit.batch_size = 20
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.01
loss.class = "CategoricalCrossentropy"
loss.from_logits = true
loss.label_smoothing = 0.1
metric0.class = "CategoricalAccuracy"
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset, random_split

DATA_DIR = os.environ.get("DATA_DIR", "data")


def make_loader(features, labels, batch_size, shuffle=False):
    """A loader over NumPy arrays."""
    return DataLoader(TensorDataset(torch.from_numpy(features), torch.from_numpy(labels)),
                      batch_size=batch_size, shuffle=shuffle)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


torch.manual_seed(3)
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))

dataset = TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train))
train_set, val_set = random_split(dataset, [0.8, 0.2], generator=torch.Generator().manual_seed(5))
print("split sizes:", len(train_set), len(val_set))
train_loader = DataLoader(train_set, batch_size=20, shuffle=True)
val_loader = DataLoader(val_set, batch_size=32)
test_loader = make_loader(x_test, y_test, 8)

model = Classifier()
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(2):
    model.train()
    correct, total = 0, 0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        correct += (logits.argmax(dim=1) == yb).sum().item()
        total += yb.size(0)
    print(f"epoch {epoch}: accuracy {correct / total:.3f}")

predictions = []
model.eval()
with torch.no_grad():
    for xb, _ in test_loader:
        predictions.append(model(xb).argmax(dim=1))
predictions = torch.cat(predictions)
print("predicted classes:", len(predictions))
