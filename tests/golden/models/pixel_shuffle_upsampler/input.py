# nn.PixelShuffle orders a block's channels c*r*r + i*r + j (PyTorch), which no Keras op does:
# Keras gets Reshape -> Permute -> Reshape layers on the channels-last tensor, with no transpose
# around them (the shuffle runs in the layout the convolutions leave).
import torch.nn as nn


class Upsampler(nn.Module):
    def __init__(self, channels=3, factor=2):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels * factor * factor, 3, padding=1)
        self.shuffle = nn.PixelShuffle(factor)
        self.refine = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.refine(self.shuffle(self.conv(x)))
