# nnport-test: class=FrameEncoder input=N,4,3,12,12
"""Video-style model: a small CNN applied to every frame by folding time into the batch
(b, t, c, h, w = x.shape; x.view(b * t, c, h, w)), unfolded again for a temporal average."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class FrameEncoder(nn.Module):
    def __init__(self, channels=8, num_classes=6):
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels * 2, 3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.temporal = nn.Linear(channels * 2, 16)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        b, t, c, h, w = x.shape
        y = x.view(b * t, c, h, w)
        y = F.relu(self.bn1(self.conv1(y)))
        y = F.relu(self.conv2(y))
        y = self.pool(y).flatten(1)          # (b*t, 16)
        y = y.view(b, t, -1)                 # (b, t, 16)
        y = torch.relu(self.temporal(y))
        return self.fc(y.mean(dim=1))
