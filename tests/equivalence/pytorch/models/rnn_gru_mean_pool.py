# nnport-test: class=GRUMean input=N,12 dtype=int64 vocab=90
"""Embedding -> GRU -> mean over time -> ReLU MLP head."""
import torch
import torch.nn as nn


class GRUMean(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(90, 8)
        self.gru = nn.GRU(8, 12, batch_first=True)
        self.head = nn.Sequential(nn.Linear(12, 12), nn.ReLU(), nn.Dropout(0.3), nn.Linear(12, 4))

    def forward(self, x):
        out, _ = self.gru(self.emb(x))
        return self.head(torch.mean(out, dim=1))
