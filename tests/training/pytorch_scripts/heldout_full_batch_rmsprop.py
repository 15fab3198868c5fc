# nnport-training: data=regression features=3 train=64 test=8 input=N,3
"""The "Learning PyTorch with Examples" nn/optim style full-batch loop: `for t in range(300):
y_pred = model(x); loss = loss_fn(y_pred, y)` with a progress print `if t % 100 == 99:`
(dropped with a warning: fit prints its own progress) and zero_grad before backward, RMSprop
(eps 1e-8 outside the square root -> epsilon 1e-16 inside): every epoch is one step on all the
samples -> fit(x, y, batch_size=len(x), epochs=300, shuffle=False). The published script's
`reduction='sum'` loss and `Flatten(0, 1)` output are left out (a mean MSE on (N, 1) outputs).

EXPECT
fit.epochs = 300
fit.shuffle = false
optimizer.class = "RMSprop"
optimizer.learning_rate = 0.001
optimizer.rho = 0.99
optimizer.epsilon = 1e-16
loss.class = "MeanSquaredError"
"""
import os

import numpy as np
import torch

DATA_DIR = os.environ.get("DATA_DIR", "data")
x = torch.from_numpy(np.load(os.path.join(DATA_DIR, "x_train.npy")))
y = torch.from_numpy(np.load(os.path.join(DATA_DIR, "y_train.npy")))

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 8),
    torch.nn.Tanh(),
    torch.nn.Linear(8, 1),
)

loss_fn = torch.nn.MSELoss()

learning_rate = 1e-3
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
for t in range(300):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
