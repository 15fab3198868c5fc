# nnport-training: data=series train=8 test=4 input=data
"""A time-series forecaster as tutorials write it, migrated WITHOUT --input-shape (input=data):
the series is made in the script (np.arange, np.sin, np.random.randn), cut into windows by a
`create_sequences(data, seq_length)` helper appending `data[i:i + seq_length]`, turned into
tensors with `torch.from_numpy(X).float().unsqueeze(-1)` and sliced into train/test parts
(`X[:train_size]`): nnport reads the model's input shape (N, 12, 1) from those statements.
The model builds its initial state as `torch.zeros(1, x.size(0), self.hidden_size)`, which needs
the input's rank. GRU (two biases in both frameworks), MSELoss, Adam.

EXPECT
fit.epochs = 2
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.01
loss.class = "MeanSquaredError"
"""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(0)
t = np.arange(0, 200)
series = np.sin(0.05 * t) + 0.1 * np.random.randn(len(t))


def create_sequences(data, seq_length):
    xs, ys = [], []
    for i in range(len(data) - seq_length):
        xs.append(data[i:i + seq_length])
        ys.append(data[i + seq_length])
    return np.array(xs), np.array(ys)


SEQ_LEN = 12
X, y = create_sequences(series, SEQ_LEN)
X = torch.from_numpy(X).float().unsqueeze(-1)
y = torch.from_numpy(y).float().unsqueeze(-1)

train_size = int(len(X) * 0.8)
X_train, X_test = X[:train_size], X[train_size:]
y_train, y_test = y[:train_size], y[train_size:]

train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=16, shuffle=True)


class GRUForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=8, output_size=1):
        super().__init__()
        self.hidden_size = hidden_size
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(1, x.size(0), self.hidden_size)
        out, _ = self.gru(x, h0)
        return self.fc(out[:, -1, :])


torch.manual_seed(5)
model = GRUForecaster()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

num_epochs = 2
for epoch in range(num_epochs):
    model.train()
    for xb, yb in train_loader:
        outputs = model(xb)
        loss = criterion(outputs, yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
