# nnport-test: class=Decoder input=N,8,5,5
"""DCGAN-style generator tail: ConvTranspose2d(k=4, s=2, p=1) (crop 1 on each side),
ConvTranspose2d(k=3, s=1, p=1) without bias, BatchNorm2d, ReLU and Tanh."""
import torch
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.ConvTranspose2d(8, 16, 4, 2, 1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(True),
            nn.ConvTranspose2d(16, 8, 3, 1, 1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(True),
            nn.ConvTranspose2d(8, 3, kernel_size=(3, 5), stride=(2, 1), padding=(0, 2)),
            nn.Tanh(),
        )

    def forward(self, z):
        return self.net(z)
