# nnport-test: class=MultiHead input=N,3,8,8
"""Shared conv trunk with two heads returned as a tuple: class logits and a sigmoid score."""
import torch
import torch.nn as nn


class MultiHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Conv2d(3, 12, 3, padding=1),
            nn.BatchNorm2d(12),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(12, 16, 3, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
        )
        self.cls_head = nn.Linear(16, 5)
        self.score_head = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())

    def forward(self, x):
        f = self.trunk(x)
        return self.cls_head(f), self.score_head(f)
