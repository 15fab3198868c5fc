# nnport-test: class=SmallUNet input=N,3,16,16
"""U-Net style encoder/decoder whose blocks come from a module-level helper function."""
import torch
import torch.nn as nn


def double_conv(in_channels, out_channels):
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1),
        nn.ReLU(inplace=True),
    )


class SmallUNet(nn.Module):
    def __init__(self, n_classes=2):
        super().__init__()
        self.down1 = double_conv(3, 8)
        self.down2 = double_conv(8, 16)
        self.pool = nn.MaxPool2d(2)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.up_conv = double_conv(16 + 8, 8)
        self.head = nn.Conv2d(8, n_classes, kernel_size=1)

    def forward(self, x):
        skip = self.down1(x)
        x = self.down2(self.pool(skip))
        x = torch.cat([self.up(x), skip], dim=1)
        return self.head(self.up_conv(x))
