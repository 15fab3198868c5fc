# nnport-test: class=ImageAndMeta input=N,3,12,12 input=N,8
"""Two inputs: an image branch (CNN) and a metadata branch (MLP) concatenated before the head."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ImageAndMeta(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.meta = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.2))
        self.head = nn.Linear(32, 3)

    def forward(self, image, meta):
        x = F.relu(self.conv1(image))
        x = F.relu(self.conv2(x))
        x = self.gap(x).view(x.size(0), -1)
        m = self.meta(meta)
        return self.head(torch.cat((x, m), dim=1))
