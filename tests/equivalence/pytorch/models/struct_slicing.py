# nnport-test: class=SliceNet input=N,6,10
"""Sequence features picked with constant indexing and slicing: last step, first step, a window,
every other step, the first channels through an ellipsis, and a new axis."""
import torch
import torch.nn as nn


class SliceNet(nn.Module):
    def __init__(self, features=10, hidden=8):
        super().__init__()
        self.proj = nn.Linear(features, hidden)
        self.head = nn.Linear(hidden * 4 + 3 + 4, 5)

    def forward(self, x):
        h = torch.tanh(self.proj(x))          # (N, 6, 8)
        last = h[:, -1, :]                     # (N, 8)
        first = h[:, 0]                        # (N, 8)
        window = h[:, 1:5].mean(dim=1)         # (N, 8)
        strided = h[:, ::2].amax(dim=1)        # (N, 8)
        corner = x[..., :3][:, 2]              # (N, 3)
        tail = x[:, -2:, 6:].sum(dim=1)        # (N, 4)
        z = torch.cat([last, first, window, strided, corner, tail], dim=1)
        z = z[:, None].squeeze(1)
        return self.head(z)
