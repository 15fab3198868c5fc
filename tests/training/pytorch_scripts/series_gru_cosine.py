# nnport-training: data=series features=2 length=10 train=64 test=16 input=N,10,2
"""Time-series regression: a GRU over windows of a noisy sine predicts the next value; Adam,
MSELoss, a CosineAnnealingLR schedule (written as a LearningRateScheduler with the closed
form), validation each epoch, and the weights saved at the end.

EXPECT
fit.epochs = 3
fit.batch_size = 8
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.01
loss.class = "MeanSquaredError"
callback0.class = "LearningRateScheduler"
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")


class Forecaster(nn.Module):
    def __init__(self, n_features=2, hidden=12):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1, :])


def load(split):
    x = np.load(os.path.join(DATA_DIR, f"x_{split}.npy"))
    y = np.load(os.path.join(DATA_DIR, f"y_{split}.npy"))
    return x, y


x_train, y_train = load("train")
x_val, y_val = load("test")
train_loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=8, shuffle=True)
val_loader = DataLoader(TensorDataset(torch.tensor(x_val), torch.tensor(y_val)), batch_size=8)

torch.manual_seed(4)
model = Forecaster()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=3)

for epoch in range(3):
    model.train()
    train_sum = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        train_sum += loss.item() * xb.size(0)
    model.eval()
    val_sum = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            val_sum += criterion(model(xb), yb).item() * xb.size(0)
    scheduler.step()
    print(f"epoch {epoch}: train {train_sum / 64:.4f} val {val_sum / 16:.4f}")

os.makedirs("checkpoints", exist_ok=True)
torch.save(model.state_dict(), "checkpoints/forecaster.pt")
