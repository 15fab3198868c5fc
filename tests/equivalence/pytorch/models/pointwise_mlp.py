# nnport-test: class=PointwiseMLPNet input=N,6,8,8
"""ConvNeXt-like pointwise MLP: permute to channels-last, Linear over channels, GELU, permute back, residual."""
import torch
import torch.nn as nn


class PointwiseMLPNet(nn.Module):
    def __init__(self, dim=12):
        super().__init__()
        self.stem = nn.Conv2d(6, dim, kernel_size=2, stride=2)
        self.pw1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pw2 = nn.Linear(4 * dim, dim)
        self.fc = nn.Linear(dim, 5)

    def forward(self, x):
        x = self.stem(x)                 # (N, C, 4, 4)
        shortcut = x
        y = x.permute(0, 2, 3, 1)        # (N, 4, 4, C)
        y = self.pw2(self.act(self.pw1(y)))
        y = y.permute(0, 3, 1, 2)        # (N, C, 4, 4)
        x = shortcut + y
        x = x.mean([2, 3])
        return self.fc(x)
