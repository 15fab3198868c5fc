# nnport-training: data=csv features=6 classes=3 train=64 test=16 input=data
"""Tabular CSV classification with pandas, fastai-style: a categorical column (binned from one
feature) goes through an nn.Embedding while the other numeric columns are standardised; the
model's forward takes two inputs `forward(self, x_num, x_cat)`, a TensorDataset of three
tensors, an accuracy helper with argmax/eq/sum, Adam with weight decay, and the weights saved.
"""
import os

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")

torch.manual_seed(7)

df = pd.read_csv(os.path.join(DATA_DIR, "train.csv"))
df["cat"] = (df["f0"] > 0).astype(int) + (df["f0"] > 1).astype(int)
num_cols = ["f1", "f2", "f3", "f4", "f5"]

X_num = df[num_cols].values.astype(np.float32)
X_num = (X_num - X_num.mean(axis=0)) / X_num.std(axis=0)
X_cat = df["cat"].values.astype(np.int64)
y = df["label"].values.astype(np.int64)

dataset = TensorDataset(torch.tensor(X_num), torch.tensor(X_cat), torch.tensor(y))
loader = DataLoader(dataset, batch_size=16, shuffle=True)


class TabularModel(nn.Module):
    def __init__(self, n_num, n_cat, emb_dim, n_classes):
        super().__init__()
        self.emb = nn.Embedding(n_cat, emb_dim)
        self.bn = nn.BatchNorm1d(n_num)
        self.fc1 = nn.Linear(n_num + emb_dim, 32)
        self.fc2 = nn.Linear(32, n_classes)

    def forward(self, x_num, x_cat):
        e = self.emb(x_cat)
        x = torch.cat([self.bn(x_num), e], dim=1)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)


def accuracy(logits, target):
    return (logits.argmax(dim=1) == target).float().mean().item()


model = TabularModel(len(num_cols), 3, 4, 3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(3):
    model.train()
    total_loss, total_acc = 0.0, 0.0
    for xb_num, xb_cat, yb in loader:
        optimizer.zero_grad()
        out = model(xb_num, xb_cat)
        loss = criterion(out, yb)
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        total_acc += accuracy(out, yb)
    print(f"epoch {epoch}: loss {total_loss / len(loader):.4f} acc {total_acc / len(loader):.3f}")

torch.save(model.state_dict(), "tabular_model.pt")
