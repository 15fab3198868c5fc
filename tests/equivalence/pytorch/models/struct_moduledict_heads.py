# nnport-test: class=MultiTask input=N,3,16,16
"""Shared trunk with task heads in an nn.ModuleDict (dict comprehension), iterated by name;
returns several outputs as a tuple."""
import torch
import torch.nn as nn


class MultiTask(nn.Module):
    def __init__(self, tasks=(("age", 1), ("gender", 2), ("emotion", 7))):
        super().__init__()
        self.trunk = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                                   nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.heads = nn.ModuleDict({name: nn.Linear(16, n) for name, n in tasks})
        self.extra = nn.ModuleDict({"aux": nn.Sequential(nn.Linear(16, 8), nn.Tanh())})

    def forward(self, x):
        f = self.trunk(x)
        outs = []
        for name in self.heads:
            outs.append(self.heads[name](f))
        aux = self.extra["aux"](f)
        return outs[0], outs[1], outs[2], aux
