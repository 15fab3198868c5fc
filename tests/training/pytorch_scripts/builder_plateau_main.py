# nnport-training: data=tabular features=8 classes=3 input=N,8
"""A model from a builder function, everything inside main() under `if __name__ == "__main__"`,
Adam with amsgrad off and a non-default beta_2, ReduceLROnPlateau stepped with the validation
loss (Keras' ReduceLROnPlateau on val_loss; PyTorch's relative threshold is reported), a
validation loop in the epoch loop, per-epoch history kept in a list, and drop_last off.

EXPECT
fit.epochs = 3
fit.batch_size = 24
fit.shuffle = true
optimizer.class = "Adam"
optimizer.beta_2 = 0.99
optimizer.epsilon = 1e-08
loss.class = "SparseCategoricalCrossentropy"
callback0.class = "ReduceLROnPlateau"
callback0.factor = 0.5
callback0.patience = 1
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def build_model(n_in=8, n_out=3):
    return nn.Sequential(nn.Linear(n_in, 32), nn.ReLU(), nn.Linear(32, n_out))


def main():
    data_dir = os.environ.get("DATA_DIR", "data")
    xs = {s: np.load(os.path.join(data_dir, f"x_{s}.npy")) for s in ("train", "test")}
    ys = {s: np.load(os.path.join(data_dir, f"y_{s}.npy")) for s in ("train", "test")}
    train_ds = TensorDataset(torch.tensor(xs["train"]), torch.tensor(ys["train"]))
    val_ds = TensorDataset(torch.tensor(xs["test"]), torch.tensor(ys["test"]))
    train_loader = DataLoader(train_ds, batch_size=24, shuffle=True, drop_last=False)
    val_loader = DataLoader(val_ds, batch_size=32)

    torch.manual_seed(8)
    model = build_model()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.99))
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)

    for epoch in range(3):
        model.train()
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
        model.eval()
        val_loss = 0.0
        with torch.no_grad():
            for xb, yb in val_loader:
                val_loss += criterion(model(xb), yb).item() * len(xb)
        val_loss /= len(val_ds)
        scheduler.step(val_loss)
        print(f"epoch {epoch}: validation loss {val_loss:.4f}")


if __name__ == "__main__":
    main()
