# nnport-test: class=MiniInception input=N,6,12,12
"""Inception-style block: parallel 1x1 / 3x3 / 5x5 / pooling branches joined with torch.cat on channels."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class InceptionBlock(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 8, kernel_size=1)
        self.branch3x3_1 = nn.Conv2d(in_channels, 6, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(6, 8, kernel_size=3, padding=1)
        self.branch5x5_1 = nn.Conv2d(in_channels, 4, kernel_size=1)
        self.branch5x5_2 = nn.Conv2d(4, 6, kernel_size=5, padding=2)
        self.branch_pool = nn.Conv2d(in_channels, 4, kernel_size=1)

    def forward(self, x):
        b1 = F.relu(self.branch1x1(x))
        b3 = F.relu(self.branch3x3_2(F.relu(self.branch3x3_1(x))))
        b5 = F.relu(self.branch5x5_2(F.relu(self.branch5x5_1(x))))
        bp = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        bp = F.relu(self.branch_pool(bp))
        return torch.cat([b1, b3, b5, bp], 1)


class MiniInception(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = InceptionBlock(6)
        self.fc = nn.Linear(26, 4)

    def forward(self, x):
        x = self.block(x)
        x = x.mean(dim=(2, 3))
        return self.fc(x)
