# nnport-test: class=BiLSTMTagger input=N,8,4
"""Bidirectional LSTM (whole sequence) followed by a GRU reading it; last GRU state -> Linear."""
import torch
import torch.nn as nn


class BiLSTMTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.bilstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(12, 7, batch_first=True)
        self.out = nn.Linear(7, 1)

    def forward(self, x):
        seq, _ = self.bilstm(x)
        _, h = self.gru(seq)
        return self.out(h[-1])
