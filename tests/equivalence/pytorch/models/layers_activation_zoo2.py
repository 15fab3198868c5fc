# nnport-test: class=ActZoo input=N,16
"""MLP exercising PReLU (shared and per-feature), SELU, Mish, Hardswish, Hardsigmoid,
Softplus (beta 1 and 2), Softsign and ReLU6, as modules and as F.* / torch.* calls."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ActZoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 32)
        self.prelu = nn.PReLU()
        self.fc2 = nn.Linear(32, 32)
        self.prelu_c = nn.PReLU(32)
        self.selu = nn.SELU()
        self.mish = nn.Mish()
        self.hswish = nn.Hardswish()
        self.hsig = nn.Hardsigmoid()
        self.softplus2 = nn.Softplus(beta=2.0)
        self.fc3 = nn.Linear(32, 8)

    def forward(self, x):
        x = self.prelu(self.fc1(x))
        x = self.prelu_c(self.fc2(x))
        a = self.selu(x) + self.mish(x)
        b = self.hswish(x) * self.hsig(x)
        c = F.softplus(x) - self.softplus2(x) + F.softsign(x)
        d = F.relu6(x * 3.0) * 0.5 + F.hardswish(x) + torch.selu(x) + F.mish(x) + F.hardsigmoid(x)
        return self.fc3(a + b + c + d)
