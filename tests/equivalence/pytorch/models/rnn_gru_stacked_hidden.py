# nnport-test: class=StackedGRU input=N,8,6
"""Stacked GRU regressor (3 layers, dropout between layers) on (N, T, F): h_n[-1] -> Linear."""
import torch
import torch.nn as nn


class StackedGRU(nn.Module):
    def __init__(self, n_features=6, hidden=12, layers=3):
        super().__init__()
        self.gru = nn.GRU(input_size=n_features, hidden_size=hidden, num_layers=layers,
                          batch_first=True, dropout=0.2)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x):
        _, h_n = self.gru(x)
        return self.head(h_n[-1])
