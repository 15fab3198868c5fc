# nnport-training: data=regression features=8 train=96 test=32 input=N,8
"""Tabular regression written as people do: the arrays loaded by a helper function, a
TensorDataset split with torch.utils.data.random_split (a seeded generator), a module-level
nn.Sequential model, Adam, early stopping written in the epoch
loop (patience counter, best weights saved and reloaded).

EXPECT
fit.epochs = 50
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.005
loss.class = "MeanSquaredError"
callback0.class = "EarlyStopping"
callback0.monitor = "val_loss"
callback0.patience = 3
callback0.min_delta = 0.0001
callback0.mode = "min"
callback1.class = "ModelCheckpoint"
callback1.save_best_only = true
callback1.save_weights_only = true
"""
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

DATA_DIR = os.environ.get("DATA_DIR", "data")
MAX_EPOCHS = 50
PATIENCE = 3


def load_arrays(data_dir):
    x = np.load(os.path.join(data_dir, "x_train.npy"))
    y = np.load(os.path.join(data_dir, "y_train.npy"))
    return x.astype(np.float32), y.astype(np.float32)


x, y = load_arrays(DATA_DIR)
dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
n_val = len(dataset) // 4
train_set, val_set = random_split(dataset, [len(dataset) - n_val, n_val],
                                  generator=torch.Generator().manual_seed(42))
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
val_loader = DataLoader(val_set, batch_size=32)

torch.manual_seed(7)
model = nn.Sequential(
    nn.Linear(8, 32),
    nn.ReLU(),
    nn.Linear(32, 1),
)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

best_val = float("inf")
epochs_without_improvement = 0
for epoch in range(MAX_EPOCHS):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()

    model.eval()
    val_loss = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            val_loss += criterion(model(xb), yb).item() * xb.size(0)
    val_loss /= len(val_set)
    print(f"epoch {epoch}: val_loss {val_loss:.4f}")

    if val_loss < best_val - 1e-4:
        best_val = val_loss
        epochs_without_improvement = 0
        torch.save(model.state_dict(), "best_model.pt")
    else:
        epochs_without_improvement += 1
        if epochs_without_improvement >= PATIENCE:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(torch.load("best_model.pt"))
model.eval()
with torch.no_grad():
    predictions = model(torch.from_numpy(x[:5]))
print(predictions.squeeze(1).tolist())
