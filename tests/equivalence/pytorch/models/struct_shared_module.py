# nnport-test: class=Siamese input=N,8 input=N,8
"""One encoder applied to two inputs (a module called at several places), distance and
product features, and two outputs."""
import torch
import torch.nn as nn


class Siamese(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(8, 12), nn.ReLU(), nn.Linear(12, 6))
        self.score = nn.Linear(12, 1)

    def forward(self, a, b):
        ea = self.encoder(a)
        eb = self.encoder(b)
        diff = (ea - eb).abs() if False else ea - eb
        feats = torch.cat([diff * diff, ea * eb], dim=1)
        return torch.sigmoid(self.score(feats)), ea.mean(dim=-1, keepdim=True)
