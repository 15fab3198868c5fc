# nnport-test: class=VolumeNet input=N,1,8,16,16
"""A small 3-D CNN on volumes: Conv3d + BatchNorm3d + ReLU, MaxPool3d, a strided Conv3d with
per-axis padding, AvgPool3d, global average over (D, H, W) and a linear head."""
import torch
import torch.nn as nn


class VolumeNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv3d(1, 8, kernel_size=3, padding=1),
            nn.BatchNorm3d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(2),
            nn.Conv3d(8, 16, kernel_size=(3, 3, 3), stride=(1, 2, 2), padding=(1, 1, 1)),
            nn.ReLU(inplace=True),
            nn.AvgPool3d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = x.mean(dim=(2, 3, 4))
        return self.classifier(x)
