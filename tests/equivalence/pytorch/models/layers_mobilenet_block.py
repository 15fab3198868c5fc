# nnport-test: class=MobileNetTiny input=N,3,32,32
"""MobileNet-style depthwise-separable blocks: depthwise 3x3 (groups=in_channels) + BN + ReLU6,
pointwise 1x1, a depth multiplier of 2, a strided depthwise conv and a global average head."""
import torch
import torch.nn as nn


class DepthwiseSeparable(nn.Module):
    def __init__(self, in_ch, out_ch, stride=1):
        super().__init__()
        self.depthwise = nn.Conv2d(in_ch, in_ch, 3, stride=stride, padding=1, groups=in_ch, bias=False)
        self.bn1 = nn.BatchNorm2d(in_ch)
        self.pointwise = nn.Conv2d(in_ch, out_ch, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_ch)
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x):
        x = self.act(self.bn1(self.depthwise(x)))
        return self.act(self.bn2(self.pointwise(x)))


class MobileNetTiny(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU6(inplace=True),
        )
        self.block1 = DepthwiseSeparable(8, 16)
        self.block2 = DepthwiseSeparable(16, 24, stride=2)
        # depth multiplier 2: out = 2 * in with groups = in
        self.expand = nn.Conv2d(24, 48, 3, padding=1, groups=24)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(48, num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.block1(x)
        x = self.block2(x)
        x = torch.relu(self.expand(x))
        x = self.pool(x).flatten(1)
        return self.fc(x)
