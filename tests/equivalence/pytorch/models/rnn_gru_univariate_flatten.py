# nnport-test: class=UnivariateGRU input=N,12
"""Univariate forecaster: (N, T) -> unsqueeze(-1) -> GRU -> all steps flattened -> Linear."""
import torch
import torch.nn as nn


class UnivariateGRU(nn.Module):
    def __init__(self, seq_len=12, hidden=6, horizon=3):
        super().__init__()
        self.gru = nn.GRU(input_size=1, hidden_size=hidden, batch_first=True)
        self.fc = nn.Linear(seq_len * hidden, horizon)

    def forward(self, x):
        out, _ = self.gru(x.unsqueeze(-1))
        out = out.reshape(out.size(0), -1)
        return self.fc(out)
