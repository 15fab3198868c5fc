# nnport-training: data=series features=3 length=8 train=48 test=16 input=N,3,8
"""Time-series regression with a 1-D convolution over the window (channels-first in PyTorch:
the migrated script transposes the (N, C, T) arrays it feeds to the channels-last Keras model),
L1Loss, Adam with non-default betas, a MultiStepLR schedule and a validation helper whose
result is printed each epoch.

EXPECT
fit.epochs = 3
fit.batch_size = 8
optimizer.class = "Adam"
optimizer.beta_1 = 0.85
optimizer.beta_2 = 0.995
loss.class = "MeanAbsoluteError"
callback0.class = "LearningRateScheduler"
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")


class ConvForecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(3, 6, kernel_size=3)
        self.fc = nn.Linear(6 * 6, 1)

    def forward(self, x):
        h = torch.relu(self.conv(x))
        return self.fc(h.flatten(1))


def validate(net, loader, loss_fn):
    net.eval()
    total, batches = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            total += loss_fn(net(xb), yb).item()
            batches += 1
    return total / batches


# The windows are (N, T, C); the PyTorch model reads (N, C, T).
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy")).transpose(0, 2, 1).copy()
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_val = np.load(os.path.join(DATA_DIR, "x_test.npy")).transpose(0, 2, 1).copy()
y_val = np.load(os.path.join(DATA_DIR, "y_test.npy"))
train_loader = DataLoader(TensorDataset(torch.tensor(x_train), torch.tensor(y_train)), batch_size=8, shuffle=True)
val_loader = DataLoader(TensorDataset(torch.tensor(x_val), torch.tensor(y_val)), batch_size=8)

torch.manual_seed(7)
net = ConvForecaster()
criterion = nn.L1Loss()
optimizer = torch.optim.Adam(net.parameters(), lr=0.005, betas=(0.85, 0.995))
scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[1, 2], gamma=0.5)

for epoch in range(3):
    net.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(net(xb), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()
    print("epoch", epoch, "validation MAE", validate(net, val_loader, criterion))
