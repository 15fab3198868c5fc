# nnport-training: data=series train=64 test=16 input=data
"""Time-series forecasting of a sine wave, as blog posts do it: the series made with
torch.linspace / torch.sin, windows cut by a helper, an LSTM whose last time step feeds a
linear head, a custom RMSE loss function written with torch ops, Adam, and a per-batch
CosineAnnealingLR over all the steps; the weights saved at the end.
"""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(3)

t = torch.linspace(0, 20, 120)
series = torch.sin(t) + 0.1 * torch.cos(3 * t)


def make_windows(data, window):
    xs, ys = [], []
    for i in range(len(data) - window):
        xs.append(data[i:i + window])
        ys.append(data[i + window])
    return torch.stack(xs).unsqueeze(-1), torch.stack(ys).unsqueeze(-1)


X, Y = make_windows(series, 10)
n_train = 80
train_ds = TensorDataset(X[:n_train], Y[:n_train])
train_loader = DataLoader(train_ds, batch_size=16, shuffle=True)


class LSTMForecaster(nn.Module):
    def __init__(self, input_size=1, hidden_size=16, num_layers=1):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.linear(out[:, -1, :])


def rmse_loss(pred, target):
    return torch.sqrt(torch.mean((pred - target) ** 2))


model = LSTMForecaster()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
num_epochs = 3
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=num_epochs * len(train_loader))

for epoch in range(num_epochs):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        pred = model(xb)
        loss = rmse_loss(pred, yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        epoch_loss += loss.item() * xb.size(0)
    print(f"Epoch {epoch + 1}/{num_epochs} RMSE: {epoch_loss / len(train_ds):.5f}")

torch.save(model.state_dict(), "lstm_sine.pt")
