# nnport-test: class=BackwardStateGRU input=N,10 dtype=int64 vocab=80
"""Bidirectional GRU where the head reads hidden[-1] alone: the BACKWARD direction's final state."""
import torch
import torch.nn as nn


class BackwardStateGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(80, 8)
        self.gru = nn.GRU(8, 9, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(9, 3)

    def forward(self, x):
        _, hidden = self.gru(self.emb(x))
        return self.fc(hidden[-1])
