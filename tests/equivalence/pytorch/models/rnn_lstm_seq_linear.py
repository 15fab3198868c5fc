# nnport-test: class=SeqTagger input=N,7,6
"""Sequence tagger: LSTM -> Linear on every step (the whole sequence)."""
import torch
import torch.nn as nn


class SeqTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 10, num_layers=2, batch_first=True)
        self.proj = nn.Linear(10, 3)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.proj(out)
