# nnport-test: class=GroupNormCNN input=N,3,16,16
"""CNN with GroupNorm (4 groups, default eps; 1 group with eps=1e-3) between convolutions,
global average pooling and a linear classifier."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GroupNormCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.gn1 = nn.GroupNorm(4, 16)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.gn2 = nn.GroupNorm(num_groups=1, num_channels=32, eps=1e-3)
        self.fc = nn.Linear(32, 5)

    def forward(self, x):
        x = F.relu(self.gn1(self.conv1(x)))
        x = F.relu(self.gn2(self.conv2(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)
