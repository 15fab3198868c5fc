# nnport-training: data=regression features=4 input=N,4
"""Regression with HuberLoss(delta=0.5), SGD with Nesterov momentum, an ExponentialLR schedule
(gamma=0.9 per epoch as a LearningRateScheduler), the epoch count from a constant, a single
validation pass after training and a weights file named with an f-string.

EXPECT
fit.epochs = 3
fit.batch_size = 16
fit.shuffle = false
optimizer.class = "SGD"
optimizer.learning_rate = 0.02
optimizer.momentum = 0.8
optimizer.nesterov = true
loss.class = "Huber"
loss.delta = 0.5
callback0.class = "LearningRateScheduler"
"""
import json
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

EPOCHS = 3
DATA = os.environ.get("DATA_DIR", "data")
RUN_NAME = "huber"



class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        return self.layers(x)


features = torch.from_numpy(np.load(os.path.join(DATA, "x_train.npy")))
targets = torch.from_numpy(np.load(os.path.join(DATA, "y_train.npy")))
loader = DataLoader(TensorDataset(features, targets), batch_size=16, shuffle=False)

torch.manual_seed(6)
model = Net()
loss_fn = nn.HuberLoss(delta=0.5)
optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.8, nesterov=True)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)

for epoch in range(EPOCHS):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()

config = {"epochs": EPOCHS, "run": RUN_NAME}
with open(f"{RUN_NAME}_config.json", "w") as f:
    json.dump(config, f)
torch.save(model.state_dict(), f"{RUN_NAME}_weights.pt")
