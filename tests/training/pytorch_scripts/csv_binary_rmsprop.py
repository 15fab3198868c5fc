# nnport-training: data=csv features=5 classes=2 input=N,5
"""Binary classification from a CSV file read with pandas: one logit trained with
BCEWithLogitsLoss and RMSprop (PyTorch's alpha=0.99 is not Keras' default; its eps=1e-8 outside the square root is
Keras' epsilon=1e-16 inside it),
accuracy counted from the logits, a plot of the loss curve guarded by a flag.

EXPECT
fit.epochs = 2
fit.batch_size = 8
fit.shuffle = false
optimizer.class = "RMSprop"
optimizer.learning_rate = 0.002
optimizer.rho = 0.99
optimizer.epsilon = 1e-16
loss.class = "BinaryCrossentropy"
loss.from_logits = true
metric0.class = "BinaryAccuracy"
metric0.threshold = 0.0
"""
import os

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")
PLOT = False
EPOCHS = 2


class LogisticNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(5, 12)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(12, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


frame = pd.read_csv(os.path.join(DATA_DIR, "train.csv"))
features = frame[[f"f{i}" for i in range(5)]].to_numpy(dtype=np.float32)
labels = frame["label"].to_numpy(dtype=np.float32).reshape(-1, 1)
print(f"{len(frame)} rows, positive rate {labels.mean():.2f}")

dataset = TensorDataset(torch.from_numpy(features), torch.from_numpy(labels))
loader = DataLoader(dataset, batch_size=8)

torch.manual_seed(1)
net = LogisticNet()
loss_fn = nn.BCEWithLogitsLoss()
opt = torch.optim.RMSprop(net.parameters(), lr=0.002)

history = []
for epoch in range(EPOCHS):
    epoch_loss = 0.0
    hits = 0
    for x, y in loader:
        opt.zero_grad()
        out = net(x)
        loss = loss_fn(out, y)
        loss.backward()
        opt.step()
        epoch_loss += loss.item()
        hits += ((out > 0).float() == y).sum().item()
    print("epoch", epoch, "loss", epoch_loss / len(loader), "accuracy", hits / len(dataset))

if PLOT:
    import matplotlib.pyplot as plt

    plt.plot(history)
    plt.savefig("loss.png")
