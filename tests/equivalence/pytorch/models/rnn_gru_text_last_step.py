# nnport-test: class=GRUNet input=N,9 dtype=int64 vocab=150
"""GRU text classifier: Embedding -> GRU(batch_first) -> out[:, -1] -> Linear -> log_softmax."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class GRUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(150, 12)
        self.gru = nn.GRU(12, 20, batch_first=True)
        self.out = nn.Linear(20, 3)

    def forward(self, tokens):
        x = self.embed(tokens)
        x, h = self.gru(x)
        return F.log_softmax(self.out(x[:, -1]), dim=1)
