# nnport-training: data=regression features=10 train=120 test=8 input=N,10
"""The "What is torch.nn really?" style loop: arrays cut into batches by hand,
`for i in range((n - 1) // bs + 1): start_i = i * bs; end_i = start_i + bs; xb =
x_train[start_i:end_i]` (-> fit with batch_size=bs, shuffle=False; the last batch of 4 is
smaller), `opt.zero_grad()` after `opt.step()`, and every epoch a validation loss computed under
torch.no_grad() on the whole validation arrays and printed with `.item()`: the epoch loop is
kept around one fit call per epoch (`initial_epoch=epoch, epochs=epoch + 1`) and the validation
is `evaluate` on the arrays in one batch, a NumPy scalar so that `.item()` runs as written.

EXPECT
fit.epochs = 1
fit.initial_epoch = 0
fit.batch_size = 16
fit.shuffle = false
optimizer.class = "SGD"
optimizer.learning_rate = 0.05
loss.class = "MeanSquaredError"
"""
import os

import numpy as np
import torch
from torch import nn, optim

DATA_DIR = os.environ.get("DATA_DIR", "data")
X = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y = np.load(os.path.join(DATA_DIR, "y_train.npy"))

x_train = torch.tensor(X[:100])
y_train = torch.tensor(y[:100])
x_valid = torch.tensor(X[100:])
y_valid = torch.tensor(y[100:])

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 1))
loss_func = nn.MSELoss()
opt = optim.SGD(model.parameters(), lr=0.05)

bs = 16
n = x_train.shape[0]
epochs = 5
for epoch in range(epochs):
    model.train()
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)

        loss.backward()
        opt.step()
        opt.zero_grad()

    model.eval()
    with torch.no_grad():
        valid_loss = loss_func(model(x_valid), y_valid)
    print(epoch, valid_loss.item())
