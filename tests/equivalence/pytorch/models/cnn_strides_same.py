# nnport-test: class=StridedNet input=N,3,17,17
"""Convolutions with stride, integer padding, padding='same' (odd and even kernels) and dilation."""
import torch
import torch.nn as nn


class StridedNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)
        self.same3 = nn.Conv2d(8, 8, kernel_size=3, padding='same')
        self.same4 = nn.Conv2d(8, 12, kernel_size=4, padding='same', bias=False)
        self.dilated = nn.Conv2d(12, 12, kernel_size=3, padding=2, dilation=2)
        self.rect = nn.Conv2d(12, 16, kernel_size=(1, 3), stride=(1, 2), padding=(0, 1))
        self.act = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flat = nn.Flatten()
        self.fc = nn.Linear(16, 7)

    def forward(self, x):
        x = self.act(self.stem(x))
        x = self.act(self.same3(x))
        x = self.act(self.same4(x))
        x = self.act(self.dilated(x))
        x = self.act(self.rect(x))
        return self.fc(self.flat(self.gap(x)))
