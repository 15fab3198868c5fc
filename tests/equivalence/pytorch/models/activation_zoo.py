# nnport-test: class=ActivationZoo input=N,3,10,10
"""Conv net exercising LeakyReLU(0.2), ELU, GELU, SiLU, Tanh and Sigmoid modules, ending in log_softmax."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ActivationZoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.a1 = nn.LeakyReLU(0.2)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.a2 = nn.ELU()
        self.c3 = nn.Conv2d(8, 8, 3, padding=1)
        self.a3 = nn.GELU()
        self.c4 = nn.Conv2d(8, 8, 3, padding=1)
        self.a4 = nn.SiLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(8, 16)
        self.a5 = nn.Tanh()
        self.fc2 = nn.Linear(16, 16)
        self.a6 = nn.Sigmoid()
        self.fc3 = nn.Linear(16, 5)

    def forward(self, x):
        x = self.a1(self.c1(x))
        x = self.a2(self.c2(x))
        x = self.a3(self.c3(x))
        x = self.a4(self.c4(x))
        x = self.pool(x).flatten(1)
        x = self.a5(self.fc1(x))
        x = self.a6(self.fc2(x))
        return F.log_softmax(self.fc3(x), dim=1)
