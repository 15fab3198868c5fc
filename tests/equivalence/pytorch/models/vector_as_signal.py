# nnport-test: class=VectorConv input=N,32
"""Treats a feature vector as a one-channel signal: unsqueeze(1) -> Conv1d -> ... -> sum/mean over dims."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class VectorConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(1, 8, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(8, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool1d(2)
        self.fc = nn.Linear(16, 3)

    def forward(self, x):
        x = x.unsqueeze(1)                      # (N, 1, 32)
        x = F.relu(self.conv1(x))
        x = self.pool(F.relu(self.conv2(x)))    # (N, 8, 16)
        avg = x.mean(dim=1)                     # (N, 16)
        tot = torch.sum(x, dim=1) * 0.25        # (N, 16)
        return self.fc(avg + tot)
