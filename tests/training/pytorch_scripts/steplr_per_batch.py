# nnport-training: data=tabular features=8 classes=3 train=48 input=N,8 steps=9
"""StepLR(step_size=2, gamma=0.5) stepped after every batch (scheduler.step() inside the batch
loop): the rate halves every 2 optimizer steps, which Keras' ExponentialDecay(decay_steps=2,
decay_rate=0.5, staircase=True) as Adam's learning_rate gives at the same steps (the compared
9 steps run at 0.05, 0.025, 0.0125, 0.00625 and 0.003125).

EXPECT
fit.epochs = 3
fit.batch_size = 16
optimizer.class = "Adam"
optimizer.epsilon = 1e-08
"""
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

data_dir = os.environ.get("DATA_DIR", "data")
x = torch.tensor(np.load(os.path.join(data_dir, "x_train.npy")), dtype=torch.float32)
y = torch.tensor(np.load(os.path.join(data_dir, "y_train.npy")), dtype=torch.long)
loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)

torch.manual_seed(3)
model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
for epoch in range(3):
    running_loss, total = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        scheduler.step()
        running_loss += loss.item() * inputs.size(0)
        total += inputs.size(0)
    print(f"epoch {epoch + 1}: loss {running_loss / total:.4f}")
