# nnport-test: class=ResNeXtTiny input=N,8,8,8
"""ResNeXt-style bottleneck with a grouped 3x3 convolution (groups=4), a Conv1d with groups=2
on a second path, Dropout2d (channel dropout) and a residual add."""
import torch
import torch.nn as nn


class ResNeXtTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.reduce = nn.Conv2d(8, 16, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.grouped = nn.Conv2d(16, 16, 3, padding=1, groups=4, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.expand = nn.Conv2d(16, 8, 1)
        self.drop = nn.Dropout2d(0.1)
        self.head = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        y = torch.relu(self.bn1(self.reduce(x)))
        y = torch.relu(self.bn2(self.grouped(y)))
        y = self.drop(self.expand(y))
        return self.head(torch.relu(x + y))
