# nnport-training: data=regression features=6 input=N,6
"""Regression: an MLP built with constructor arguments inside main(), trained with SGD with
momentum and a StepLR schedule by train/evaluate helper functions, logging through `logging`.

EXPECT
fit.epochs = 4
fit.batch_size = 12
fit.shuffle = true
optimizer.class = "SGD"
optimizer.learning_rate = 0.05
optimizer.momentum = 0.9
loss.class = "MeanSquaredError"
callback0.class = "LearningRateScheduler"
"""
import argparse
import logging
import os

import numpy as np
import torch
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

logging.basicConfig(level=logging.INFO, format="%(message)s")
log = logging.getLogger("regression")


class Regressor(nn.Module):
    def __init__(self, n_features, hidden=8):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_features, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)


def train_one_epoch(model, loader, optimizer, criterion):
    model.train()
    total = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item() * inputs.size(0)
    return total / len(loader.dataset)


def evaluate(model, loader, criterion):
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            total += criterion(model(inputs), targets).item() * inputs.size(0)
            count += inputs.size(0)
    return total / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "data"))
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()

    x = np.load(os.path.join(args.data_dir, "x_train.npy"))
    y = np.load(os.path.join(args.data_dir, "y_train.npy"))
    x_val = np.load(os.path.join(args.data_dir, "x_test.npy"))
    y_val = np.load(os.path.join(args.data_dir, "y_test.npy"))
    train_loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=12, shuffle=True)
    val_set = TensorDataset(torch.from_numpy(x_val), torch.from_numpy(y_val))
    val_loader = DataLoader(val_set, batch_size=16)

    torch.manual_seed(9)
    model = Regressor(n_features=6)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    for epoch in range(args.epochs):
        train_loss = train_one_epoch(model, train_loader, optimizer, criterion)
        val_loss = evaluate(model, val_loader, criterion)
        scheduler.step()
        log.info("epoch %d train %.4f val %.4f", epoch, train_loss, val_loss)
    final = evaluate(model, val_loader, criterion)
    log.info("final validation MSE %.4f", final)


if __name__ == "__main__":
    main()
