# nnport-test: class=SignalNet input=N,4,64
"""1-D CNN for multichannel signals: strided Conv1d, BatchNorm1d, MaxPool1d, AvgPool1d with padding, AdaptiveAvgPool1d(1)."""
import torch
import torch.nn as nn


class SignalNet(nn.Module):
    def __init__(self, in_channels=4, num_classes=6):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(in_channels, 16, kernel_size=7, stride=2, padding=3),
            nn.BatchNorm1d(16),
            nn.ReLU(),
            nn.MaxPool1d(kernel_size=2),
            nn.Conv1d(16, 16, kernel_size=5, padding='same', dilation=2),
            nn.BatchNorm1d(16),
            nn.ELU(alpha=0.5),
            nn.AvgPool1d(kernel_size=3, stride=2, padding=1),
            nn.Conv1d(16, 24, kernel_size=3),
            nn.ReLU(),
            nn.AdaptiveAvgPool1d(1),
        )
        self.classifier = nn.Linear(24, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = x.squeeze(2)
        return self.classifier(x)
