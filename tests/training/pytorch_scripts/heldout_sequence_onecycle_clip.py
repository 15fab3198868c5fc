# nnport-training: data=series features=3 length=12 train=96 test=32 input=N,12,3
"""A sequence model written as people do: a GRU regressor, Adam, OneCycleLR stepped after every
batch (scheduler.step() inside the batch loop; cycle_momentum=False: Keras optimisers cannot
cycle beta_1), gradient clipping with nn.utils.clip_grad_norm_, Huber loss.

EXPECT
fit.epochs = 4
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "Adam"
optimizer.global_clipnorm = 0.5
loss.class = "Huber"
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")
EPOCHS = 4


class SequenceRegressor(nn.Module):
    def __init__(self, n_features=3, hidden=16):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1, :])


x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
train_ds = TensorDataset(torch.tensor(x_train), torch.tensor(y_train))
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)

torch.manual_seed(11)
model = SequenceRegressor()
criterion = nn.HuberLoss(delta=1.0)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, epochs=EPOCHS,
                                                steps_per_epoch=len(train_loader),
                                                cycle_momentum=False)

for epoch in range(EPOCHS):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
        optimizer.step()
        scheduler.step()
        total += loss.item() * xb.size(0)
    print(f"epoch {epoch + 1}: loss {total / len(train_ds):.4f}")
