# nnport-test: class=ChannelHeads input=N,4,10
"""Per-channel heads: x.unbind(1) gives one sequence per channel, each through a shared
Linear, recombined with torch.stack and a channel-wise L2 normalisation."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ChannelHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.shared = nn.Linear(10, 6)
        self.mix = nn.Linear(24, 3)

    def forward(self, x):
        channels = x.unbind(dim=1)
        feats = [torch.tanh(self.shared(c)) for c in channels]
        y = torch.stack(feats, dim=2)               # (N, 6, 4)
        y = F.normalize(y, p=2, dim=1, eps=1e-6)
        return self.mix(y.flatten(1))
