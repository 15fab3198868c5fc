# nnport-test: class=StepMLP input=N,5,12
"""A per-time-step MLP written by folding time into the batch with reshape(-1, f), then
unfolding with view(b, t, -1); keepdim reductions and torch.max(x, dim)[0]."""
import torch
import torch.nn as nn


class StepMLP(nn.Module):
    def __init__(self, features=12, hidden=10):
        super().__init__()
        self.step = nn.Sequential(nn.Linear(features, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.out = nn.Linear(hidden * 2, 3)

    def forward(self, x):
        b, t, f = x.size()
        h = self.step(x.reshape(-1, f))           # (b*t, hidden)
        h = h.view(b, t, -1)
        centred = h - h.mean(dim=1, keepdim=True)
        peak = torch.max(centred, 1)[0]
        top = h.max(dim=1).values
        return self.out(torch.cat((peak, top), dim=-1))
