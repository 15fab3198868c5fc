# nnport-test: class=LNConvNet input=N,3,8,8
"""LayerNorm on conv features: normalized_shape = (C, H, W) over a feature map (normalises the
trailing axes in PyTorch's NCHW order), and LayerNorm over channels after permuting to NHWC
(ConvNeXt style), both with eps=1e-6."""
import torch
import torch.nn as nn


class LNConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.ln1 = nn.LayerNorm([8, 8, 8], eps=1e-6)
        self.dwconv = nn.Conv2d(8, 8, 7, padding=3, groups=8)
        self.ln2 = nn.LayerNorm(8, eps=1e-6)
        self.pw = nn.Linear(8, 16)
        self.act = nn.GELU()
        self.head = nn.Linear(16, 4)

    def forward(self, x):
        x = torch.relu(self.ln1(self.conv1(x)))
        x = self.dwconv(x)
        x = x.permute(0, 2, 3, 1)
        x = self.act(self.pw(self.ln2(x)))
        x = x.mean(dim=(1, 2))
        return self.head(x)
