# nnport-test: class=UpsampleDecoder input=N,8,4,4
"""Decoder with nn.Upsample(scale_factor=2, nearest) + conv, F.interpolate bilinear
(align_corners=False) + conv, and an UpsamplingNearest2d."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class UpsampleDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv1 = nn.Conv2d(8, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 4, 3, padding=1)
        self.up3 = nn.UpsamplingNearest2d(scale_factor=2)
        self.conv3 = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        x = F.relu(self.conv1(self.up(x)))
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = F.relu(self.conv2(x))
        return self.conv3(self.up3(x))
