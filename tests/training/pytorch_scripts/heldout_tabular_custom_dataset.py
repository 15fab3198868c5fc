# nnport-training: data=csv features=5 classes=2 train=80 test=24 input=N,5
"""Binary classification from a CSV file with a custom Dataset class, as tabular tutorials
write it: pandas, NumPy standardisation, a `TabularDataset(Dataset)` whose __init__ stores
`torch.tensor(X, dtype=torch.float32)` and `torch.tensor(y, dtype=torch.float32).unsqueeze(1)`
and whose __getitem__ returns `(self.X[idx], self.y[idx])`, DataLoaders made over instances of
it in place, BCEWithLogitsLoss and Adam. The class becomes the arrays it wraps (fit(x, y)).
The features come from the CSV at run time: the input shape is given (input=N,5).

EXPECT
fit.epochs = 2
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.01
loss.class = "BinaryCrossentropy"
loss.from_logits = true
"""
import os

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

DATA_DIR = os.environ.get("DATA_DIR", "data")

df = pd.read_csv(os.path.join(DATA_DIR, "train.csv"))
X = df.drop("label", axis=1).values
y = (df["label"].values > 0).astype(np.float32)

n_train = 64
X_train, X_test = X[:n_train], X[n_train:]
y_train, y_test = y[:n_train], y[n_train:]
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
X_train = (X_train - mean) / std
X_test = (X_test - mean) / std


class TabularDataset(Dataset):
    def __init__(self, X, y):
        self.X = torch.tensor(X, dtype=torch.float32)
        self.y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)

    def __len__(self):
        return len(self.X)

    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]


train_loader = DataLoader(TabularDataset(X_train, y_train), batch_size=16, shuffle=True)
test_loader = DataLoader(TabularDataset(X_test, y_test), batch_size=16)


class BinaryClassifier(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.layer_1 = nn.Linear(n_features, 16)
        self.layer_out = nn.Linear(16, 1)
        self.relu = nn.ReLU()

    def forward(self, inputs):
        x = self.relu(self.layer_1(inputs))
        return self.layer_out(x)


torch.manual_seed(3)
model = BinaryClassifier(5)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

EPOCHS = 2
model.train()
for e in range(EPOCHS):
    for X_batch, y_batch in train_loader:
        optimizer.zero_grad()
        y_pred = model(X_batch)
        loss = criterion(y_pred, y_batch)
        loss.backward()
        optimizer.step()
