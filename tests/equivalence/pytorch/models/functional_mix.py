# nnport-test: class=FunctionalMix input=N,24
"""Mixes nn modules with F.* calls: F.leaky_relu, F.gelu, F.relu, scalar multiply, F.softmax(dim=1)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FunctionalMix(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(24, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 16)
        self.fc4 = nn.Linear(16, 8)
        self.scale = 0.5

    def forward(self, x):
        h = F.leaky_relu(self.fc1(x), negative_slope=0.1)
        h = F.gelu(self.fc2(h)) + h
        h = F.relu(self.fc3(h)) * self.scale
        h = self.fc4(h) * 2.0
        return F.softmax(h, dim=1)
