# nnport-test: class=PoolNet input=N,4,19,19
"""Pooling with padding: MaxPool2d(3, 2, padding=1), AvgPool2d with padding, AdaptiveMaxPool2d(1)."""
import torch
import torch.nn as nn


class PoolNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(4, 8, 3, padding=1)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1)
        self.avgpool = nn.AvgPool2d(kernel_size=3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(8, 12, 3, padding=1)
        self.avgpool2 = nn.AvgPool2d(2)
        self.global_max = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        x = self.maxpool(torch.relu(self.conv1(x)))   # 19 -> 10
        x = self.avgpool(torch.relu(self.conv2(x)))   # 10 -> 5
        x = self.avgpool2(torch.relu(self.conv3(x)))  # 5 -> 2
        x = self.global_max(x)
        x = torch.flatten(x, 1)
        return self.fc(x)
