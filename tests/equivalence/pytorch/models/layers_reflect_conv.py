# nnport-test: class=ReflectNet input=N,3,12,12
"""Convolutions with padding_mode='reflect' and 'replicate' (1-cell pads), F.pad with
reflect mode and an explicit constant pad, ending in a strided convolution."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ReflectNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, padding_mode="reflect")
        self.conv2 = nn.Conv2d(8, 8, 5, padding=2, padding_mode="reflect")
        self.conv3 = nn.Conv2d(8, 8, 3, padding=1, padding_mode="replicate")
        self.conv4 = nn.Conv2d(8, 4, 3, stride=2)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.relu(self.conv3(x))
        x = F.pad(x, (1, 2, 0, 1), mode="reflect")
        x = F.pad(x, (1, 1, 1, 1), value=0.5)
        return self.conv4(x)
