# nnport-training: data=tabular features=8 classes=3 input=N,8
"""Tabular classification: an MLP trained with Adam on NumPy arrays through a TensorDataset and a
DataLoader, evaluated under torch.no_grad() and saved.

EXPECT
fit.epochs = 3
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.005
optimizer.epsilon = 1e-08
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
metric0.class = "SparseCategoricalAccuracy"
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class MLP(nn.Module):
    def __init__(self, n_features=8, n_classes=3):
        super().__init__()
        self.hidden = nn.Linear(n_features, 16)
        self.out = nn.Linear(16, n_classes)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


parser = argparse.ArgumentParser(description="Train an MLP on a tabular dataset.")
parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "data"))
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--out", default="mlp.pt")
args = parser.parse_args()

torch.manual_seed(0)
x_train = np.load(os.path.join(args.data_dir, "x_train.npy"))
y_train = np.load(os.path.join(args.data_dir, "y_train.npy"))
x_test = np.load(os.path.join(args.data_dir, "x_test.npy"))
y_test = np.load(os.path.join(args.data_dir, "y_test.npy"))
print("train:", x_train.shape, "test:", x_test.shape)

train_ds = TensorDataset(torch.tensor(x_train, dtype=torch.float32), torch.tensor(y_train, dtype=torch.long))
test_ds = TensorDataset(torch.tensor(x_test, dtype=torch.float32), torch.tensor(y_test, dtype=torch.long))
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)
test_loader = DataLoader(test_ds, batch_size=32)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = MLP().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

for epoch in range(args.epochs):
    model.train()
    running_loss, correct, total = 0.0, 0, 0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        logits = model(xb)
        loss = criterion(logits, yb)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * xb.size(0)
        correct += (logits.argmax(dim=1) == yb).sum().item()
        total += yb.size(0)
    print(f"epoch {epoch + 1}: loss {running_loss / total:.4f} acc {correct / total:.3f}")

model.eval()
test_loss, test_correct, test_total = 0.0, 0, 0
with torch.no_grad():
    for xb, yb in test_loader:
        logits = model(xb)
        test_loss += criterion(logits, yb).item() * xb.size(0)
        test_correct += (logits.argmax(dim=1) == yb).sum().item()
        test_total += yb.size(0)
print(f"test loss {test_loss / test_total:.4f} acc {test_correct / test_total:.3f}")

torch.save(model.state_dict(), args.out)
print("saved", args.out)
