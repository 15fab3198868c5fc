# nnport-test: class=PReLUConvNet input=N,3,16,16
"""Conv net with channel-wise PReLU after each conv (num_parameters = C and 1), Mish and SELU
on feature maps, Hardswish in a squeeze block and a Softplus head."""
import torch
import torch.nn as nn


class PReLUConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.act1 = nn.PReLU(num_parameters=8, init=0.1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.act2 = nn.PReLU()
        self.conv3 = nn.Conv2d(16, 16, 1)
        self.mish = nn.Mish()
        self.selu = nn.SELU()
        self.hswish = nn.Hardswish()
        self.head = nn.Conv2d(16, 4, 1)
        self.softplus = nn.Softplus()

    def forward(self, x):
        x = self.act1(self.conv1(x))
        x = self.act2(self.conv2(x))
        x = self.mish(self.conv3(x)) + self.selu(x)
        x = self.hswish(x)
        return self.softplus(self.head(x))
