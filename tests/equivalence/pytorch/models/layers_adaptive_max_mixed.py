# nnport-test: class=AdaptiveMaxMixed input=N,4,14,9
import torch
import torch.nn as nn
import torch.nn.functional as F


class AdaptiveMaxMixed(nn.Module):
    """AdaptiveMaxPool2d((7, 4)) on a 14x9 map: height divides evenly (plain 2x pooling), width
    does not (9 -> 4: windows [0,3) [2,5) [4,7) [6,9)); then F.adaptive_avg_pool2d to 3x3."""

    def __init__(self, num_classes=6):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, padding=1)
        self.pool = nn.AdaptiveMaxPool2d((7, 4))
        self.fc = nn.Linear(6 * 3 * 3, num_classes)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv(x)))
        x = F.adaptive_avg_pool2d(x, 3)
        return self.fc(x.view(x.size(0), -1))
