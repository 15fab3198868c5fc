"""Convolutions with local response normalisation (nn.LocalResponseNorm), which nnport does not
support."""
import torch
import torch.nn as nn


class LrnNet(nn.Module):
    def __init__(self, size=2):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.relu = nn.ReLU()
        self.lrn = nn.LocalResponseNorm(size)
        self.conv2 = nn.Conv2d(16, 3, 3, padding=1)

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.lrn(x)
        return self.conv2(x)
