# nnport-test: class=WindowConv input=N,2,32
"""1-D signal model that crops with constant slices, takes every other sample, keeps the
first channels with an ellipsis and mixes branches with torch.max / torch.min."""
import torch
import torch.nn as nn


class WindowConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 6, 5, padding=2)
        self.conv2 = nn.Conv1d(6, 6, 3)
        self.fc = nn.Linear(6 * 7, 4)

    def forward(self, x):
        y = torch.relu(self.conv(x))             # (N, 6, 32)
        y = y[:, :, 2:-2]                         # (N, 6, 28)
        y = y[..., ::2]                           # (N, 6, 14)
        z = self.conv2(y)                         # (N, 6, 12)
        m = torch.max(z[:, :, :6], z[:, :, 6:])   # (N, 6, 6)
        n = torch.min(y[:, :, :7], y[:, :, 7:])   # (N, 6, 7)
        w = torch.cat([m, n[:, :, :1]], dim=2)    # (N, 6, 7)
        return self.fc(w.reshape(w.shape[0], -1))
