# nnport-test: class=SplitStack input=N,12
"""Features split into groups (torch.split / chunk), each through its own Linear, stacked on a
new axis and pooled; the elementwise max of two branches (torch.max(a, b))."""
import torch
import torch.nn as nn


class SplitStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.branches = nn.ModuleList([nn.Linear(4, 6) for _ in range(3)])
        self.gate = nn.Linear(12, 6)
        self.out = nn.Linear(6 * 3 + 6, 4)

    def forward(self, x):
        parts = torch.split(x, 4, dim=1)
        ys = [branch(p) for branch, p in zip(self.branches, parts)]
        stacked = torch.stack(ys, dim=1)          # (N, 3, 6)
        a, b = x.chunk(2, dim=-1)                  # (N, 6) each
        m = torch.max(a, b) + torch.minimum(a, b) * 0.5
        g = torch.maximum(self.gate(x), stacked.mean(dim=1))
        flat = stacked.reshape(stacked.size(0), -1)
        return self.out(torch.cat([flat, g + m], dim=1))
