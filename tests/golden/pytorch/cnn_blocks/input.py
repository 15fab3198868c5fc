# Round trip through the PyTorch writer: a block class used three times is inlined into
# nn.ModuleDict containers (block1.conv, ...) and an nn.Sequential head, both keeping the
# source's state_dict keys; BatchNorm's non-default eps is written, and functional calls stay
# functional.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.block1 = ConvBlock(3, 8)
        self.block2 = ConvBlock(8, 16)
        self.block3 = ConvBlock(16, 16)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.25),
            nn.Linear(16 * 4 * 4, 64),
            nn.ReLU(inplace=True),
            nn.Linear(64, num_classes),
        )

    def forward(self, x):
        x = self.block3(self.block2(self.block1(x)))
        return self.head(x)
