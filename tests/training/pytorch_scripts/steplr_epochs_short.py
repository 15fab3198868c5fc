# nnport-training: data=regression features=6 train=24 input=N,6 steps=10
"""StepLR(step_size=1, gamma=0.5) stepped after every epoch of 3 batches (24 samples, batches
of 8): the rate halves at steps 3, 6 and 9 of the compared 10, so the migrated
LearningRateScheduler callback's rates are checked through the losses.

EXPECT
fit.epochs = 4
fit.batch_size = 8
optimizer.class = "SGD"
optimizer.learning_rate = 0.1
callback0.class = "LearningRateScheduler"
"""
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

data_dir = os.environ.get("DATA_DIR", "data")
x = np.load(os.path.join(data_dir, "x_train.npy"))
y = np.load(os.path.join(data_dir, "y_train.npy"))
loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=8, shuffle=True)

torch.manual_seed(5)
model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 1))
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for epoch in range(4):
    running_loss, total = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
        total += inputs.size(0)
    scheduler.step()
    print(f"epoch {epoch + 1}: loss {running_loss / total:.4f}")
