# nnport-test: class=ElementwiseMath input=N,6
"""Elementwise math between layers: torch.square, torch.sqrt, torch.abs, torch.exp, torch.log and
their Tensor-method spellings."""
import torch
import torch.nn as nn


class ElementwiseMath(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        h = self.fc1(x)
        h = torch.log(torch.exp(torch.abs(h)) + 1.0) + torch.sqrt(torch.square(h) + 1.0)
        h = h.abs().sqrt() - h.square().exp().log()
        return self.fc2(h)
