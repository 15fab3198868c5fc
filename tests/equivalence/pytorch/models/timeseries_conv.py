# nnport-test: class=TimeSeriesNet input=N,30,6
"""Time-series model on (batch, time, features): transpose -> Conv1d -> back -> Linear per step -> max over time."""
import torch
import torch.nn as nn


class TimeSeriesNet(nn.Module):
    def __init__(self, features=6, channels=16, out=2):
        super().__init__()
        self.conv = nn.Conv1d(features, channels, kernel_size=5, padding=2)
        self.act = nn.Tanh()
        self.step = nn.Linear(channels, channels)
        self.out = nn.Linear(channels, out)

    def forward(self, x):
        h = x.transpose(1, 2)              # (N, F, T)
        h = self.act(self.conv(h))
        h = h.transpose(1, 2)              # (N, T, C)
        h = torch.relu(self.step(h))
        h = h.max(dim=1).values            # (N, C)
        return self.out(h)
