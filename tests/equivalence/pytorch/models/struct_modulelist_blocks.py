# nnport-test: class=StackedMLP input=N,16
"""Residual MLP blocks held in an nn.ModuleList built by a list comprehension over a
constructor argument, applied in a for loop (with enumerate) and a helper method."""
import torch
import torch.nn as nn


class ResidualBlock(nn.Module):
    def __init__(self, dim, expansion=2, use_norm=True):
        super(ResidualBlock, self).__init__()
        self.fc1 = nn.Linear(dim, dim * expansion)
        self.fc2 = nn.Linear(dim * expansion, dim)
        self.norm = nn.BatchNorm1d(dim) if use_norm else nn.Identity()
        self.act = nn.GELU()

    def forward(self, x):
        return x + self.fc2(self.act(self.fc1(self.norm(x))))


class StackedMLP(nn.Module):
    def __init__(self, dim=16, depth=3, num_classes=4):
        super(StackedMLP, self).__init__()
        self.blocks = nn.ModuleList([ResidualBlock(dim, use_norm=(i % 2 == 0)) for i in range(depth)])
        self.scales = [1.0, 0.5, 0.25]
        self.head = nn.Linear(dim, num_classes)

    def features(self, x):
        for i, block in enumerate(self.blocks):
            x = block(x) * self.scales[i]
        return x

    def forward(self, x):
        return self.head(torch.relu(self.features(x)))
