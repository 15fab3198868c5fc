# nnport-test: class=ResidualMLP input=N,16
"""Residual MLP with nn.Sequential blocks, ELU and LeakyReLU activations, and a residual add per block."""
import torch
import torch.nn as nn


class ResidualMLP(nn.Module):
    def __init__(self, dim=16, depth=2):
        super().__init__()
        self.inp = nn.Linear(dim, 32)
        self.block1 = nn.Sequential(nn.Linear(32, 32), nn.BatchNorm1d(32), nn.ELU())
        self.block2 = nn.Sequential(nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Dropout(0.1))
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        x = self.inp(x)
        x = x + self.block1(x)
        x = x + self.block2(x)
        return self.out(x).squeeze(1)
