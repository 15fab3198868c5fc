# nnport-test: class=SubPixelNet input=N,3,5,6
"""Sub-pixel convolution in PyTorch's channel order: nn.PixelShuffle(3) after a conv to
2 * 3 * 3 channels, F.pixel_unshuffle(x, 3) back down, torch.pixel_shuffle(x, 2) and an
nn.PixelUnshuffle(2), each between convolutions. The image is not square, so swapped height and
width would show."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SubPixelNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 18, 3, padding=1)
        self.shuffle = nn.PixelShuffle(3)
        self.conv2 = nn.Conv2d(2, 4, 3, padding=1)
        self.conv3 = nn.Conv2d(36, 8, 1)
        self.unshuffle = nn.PixelUnshuffle(2)
        self.conv4 = nn.Conv2d(8, 3, 1)

    def forward(self, x):
        x = self.shuffle(F.relu(self.conv1(x)))
        x = F.pixel_unshuffle(self.conv2(x), 3)
        x = torch.pixel_shuffle(self.conv3(x), 2)
        return self.conv4(self.unshuffle(x))
