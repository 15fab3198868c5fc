# nnport-test: class=SENet input=N,8,8,8
"""Squeeze-and-excitation: channel weights from AdaptiveAvgPool2d(1) -> Linear -> ReLU -> Linear -> Sigmoid, broadcast multiply."""
import torch
import torch.nn as nn


class SqueezeExcite(nn.Module):
    def __init__(self, channels, reduction=4):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(
            nn.Linear(channels, channels // reduction),
            nn.ReLU(inplace=True),
            nn.Linear(channels // reduction, channels),
            nn.Sigmoid(),
        )

    def forward(self, x):
        w = self.pool(x).flatten(1)
        w = self.fc(w).unsqueeze(-1).unsqueeze(-1)
        return x * w


class SENet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(8, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.se = SqueezeExcite(16)
        self.head = nn.Conv2d(16, 4, 1)
        self.gap = nn.AdaptiveAvgPool2d(1)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        x = self.se(x)
        x = self.gap(self.head(x))
        return x.squeeze(-1).squeeze(-1)
