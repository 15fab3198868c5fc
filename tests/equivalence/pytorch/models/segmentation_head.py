# nnport-test: class=SegHead input=N,3,8,8
"""Dense prediction head: per-pixel class probabilities with nn.Softmax(dim=1) on an NCHW output."""
import torch
import torch.nn as nn


class SegHead(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 12, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(12)
        self.act = nn.LeakyReLU(negative_slope=0.2)
        self.conv2 = nn.Conv2d(12, 12, 3, padding='same')
        self.classifier = nn.Conv2d(12, num_classes, kernel_size=1)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.act(self.bn1(self.conv1(x)))
        x = self.act(self.conv2(x)) + x
        return self.softmax(self.classifier(x))
