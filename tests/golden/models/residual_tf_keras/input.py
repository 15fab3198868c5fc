# A residual block with a strided 1x1 shortcut and a global average pool, written for tf.keras:
# Functional API, LeakyReLU slope as alpha=, the residual Add as a layer, the stride-2 3x3 conv
# with padding=1 written as explicit ZeroPadding2D (Keras "same" would pad 0 before, 1 after).
import torch.nn as nn
import torch.nn.functional as F


class ResidualNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv_a = nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1)
        self.conv_b = nn.Conv2d(32, 32, kernel_size=3, padding=1)
        self.shortcut = nn.Conv2d(16, 32, kernel_size=1, stride=2)
        self.head = nn.Linear(32, 5)

    def forward(self, x):
        x = F.leaky_relu(self.stem(x), 0.2)
        y = self.conv_b(F.relu(self.conv_a(x)))
        x = F.relu(y + self.shortcut(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)
