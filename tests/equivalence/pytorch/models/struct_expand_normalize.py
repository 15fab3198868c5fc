# nnport-test: class=ProtoNet input=N,10
"""Embedding normalised with F.normalize, compared to a context vector broadcast with expand /
repeat; chained tensor methods, .contiguous() and harmless float casts."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ProtoNet(nn.Module):
    def __init__(self, in_dim=10, dim=8):
        super().__init__()
        self.embed = nn.Linear(in_dim, dim)
        self.context = nn.Linear(in_dim, dim)
        self.head = nn.Linear(dim * 3, 3)

    def forward(self, x):
        e = F.normalize(self.embed(x), p=2, dim=1)
        c = self.context(x).unsqueeze(1)            # (N, 1, 8)
        tiled = c.expand(-1, 4, -1).contiguous()    # (N, 4, 8)
        rep = c.repeat(1, 2, 1).float()             # (N, 2, 8)
        s = tiled.mean(dim=1) + rep.to(torch.float32).sum(dim=1)
        n = F.normalize(s, dim=-1)
        return self.head(torch.cat([e, n, e * n], dim=1).view(x.size(0), -1))
