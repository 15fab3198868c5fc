# nnport-test: class=UnevenAdaptiveHead input=N,3,10,10
import torch
import torch.nn as nn


class UnevenAdaptiveHead(nn.Module):
    """A VGG-style head: AdaptiveAvgPool2d((7, 7)) on a 10x10 map (10 % 7 != 0: windows of 2
    and 3 cells that overlap), then a (1, None) reduction of the height and a classifier."""

    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.pool = nn.AdaptiveAvgPool2d((7, 7))
        self.rows = nn.AdaptiveAvgPool2d((1, None))
        self.classifier = nn.Linear(8 * 7, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x))
        x = self.rows(x)
        return self.classifier(torch.flatten(x, 1))
