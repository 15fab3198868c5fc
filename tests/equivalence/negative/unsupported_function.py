"""A sequence scorer that uses torch.cumsum, a function nnport does not support."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class RunningScore(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 4)

    def forward(self, x):
        h = F.relu(self.proj(x))
        h = torch.cumsum(h, dim=1)
        return h.mean(dim=1)
