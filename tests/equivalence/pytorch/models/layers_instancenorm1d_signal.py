# nnport-test: class=SignalNet input=N,4,32
"""1-D signal model: Conv1d + InstanceNorm1d(affine=True, eps=1e-3), Dropout1d (channel
dropout, off in inference), a dilated Conv1d and a PReLU per channel."""
import torch
import torch.nn as nn


class SignalNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 12, 5, padding=2)
        self.norm = nn.InstanceNorm1d(12, eps=1e-3, affine=True)
        self.drop = nn.Dropout1d(0.2)
        self.conv2 = nn.Conv1d(12, 6, 3, dilation=2, padding=2)
        self.act = nn.PReLU(6)

    def forward(self, x):
        x = self.drop(torch.relu(self.norm(self.conv1(x))))
        return self.act(self.conv2(x))
