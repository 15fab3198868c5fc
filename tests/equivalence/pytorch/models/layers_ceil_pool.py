# nnport-test: class=CeilPoolNet input=N,3,15,15
"""Pooling with ceil_mode=True (MaxPool2d 2x2 on odd sizes, 3x3 stride 2 GoogLeNet-style),
F.max_pool2d ceil_mode, and a 3x3 AvgPool2d whose ceil_mode adds no window."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CeilPoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.pool1 = nn.MaxPool2d(2, 2, ceil_mode=True)          # 15 -> 8
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)   # 8 -> 4
        self.avg = nn.AvgPool2d(3, stride=1, ceil_mode=True)     # 4 -> 2, no extra window
        self.fc = nn.Linear(32, 3)

    def forward(self, x):
        x = self.pool1(F.relu(self.conv1(x)))
        x = self.pool2(F.relu(self.conv2(x)))
        x = F.max_pool2d(x, 3, 1, ceil_mode=True)               # 4 -> 2
        x = self.avg(F.pad(x, (1, 1, 1, 1)))
        return self.fc(x.flatten(1))
