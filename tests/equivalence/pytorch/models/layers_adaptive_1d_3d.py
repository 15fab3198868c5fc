# nnport-test: class=AdaptiveSignal input=N,5,23
import torch
import torch.nn as nn


class AdaptiveSignal(nn.Module):
    """AdaptiveAvgPool1d(6) over 23 steps, AdaptiveMaxPool1d(1) over time, and an
    AdaptiveAvgPool3d((2, None, 3)) over a (C, 3, 6, 5) volume made from the sequence."""

    def __init__(self, num_classes=4):
        super().__init__()
        self.conv = nn.Conv1d(5, 12, 3)
        self.pool = nn.AdaptiveAvgPool1d(6)
        self.over_time = nn.AdaptiveMaxPool1d(1)
        self.volume_pool = nn.AdaptiveAvgPool3d((2, None, 3))
        self.fc = nn.Linear(12 + 2 * 2 * 2 * 3, num_classes)

    def forward(self, x):
        h = torch.tanh(self.conv(x))               # (N, 12, 21)
        pooled = self.pool(h)                      # (N, 12, 6)
        summary = self.over_time(pooled).flatten(1)  # (N, 12)
        volume = pooled.reshape(x.size(0), 2, 3, 6, 2)              # (N, 2, 3, 6, 2)
        cube = self.volume_pool(volume.transpose(3, 4))                 # (N, 2, 2, 2, 3)
        return self.fc(torch.cat([summary, cube.flatten(1)], dim=1))
