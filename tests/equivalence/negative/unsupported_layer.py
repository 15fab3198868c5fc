"""Super-resolution head using nn.PixelShuffle, which nnport does not support."""
import torch
import torch.nn as nn


class SubPixelNet(nn.Module):
    def __init__(self, upscale=2):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, padding=1)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(16, 3 * upscale ** 2, 3, padding=1)
        self.shuffle = nn.PixelShuffle(upscale)

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.conv2(x)
        return self.shuffle(x)
