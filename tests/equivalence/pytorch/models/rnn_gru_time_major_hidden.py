# nnport-test: class=GRUEncoder input=N,8,5
"""batch_first=False GRU: x.transpose(0, 1) -> 2-layer GRU -> hidden[-1] -> Linear -> sigmoid."""
import torch
import torch.nn as nn


class GRUEncoder(nn.Module):
    def __init__(self, n_in=5, n_hidden=10):
        super().__init__()
        self.gru = nn.GRU(n_in, n_hidden, 2)
        self.fc = nn.Linear(n_hidden, 1)

    def forward(self, x):
        x = x.transpose(0, 1)
        outputs, hidden = self.gru(x)
        return torch.sigmoid(self.fc(hidden[-1]))
