# nnport-test: class=GRUForecaster input=N,10,4
"""GRU forecaster with an explicit zero initial state; per-step Linear on the whole sequence."""
import torch
import torch.nn as nn


class GRUForecaster(nn.Module):
    def __init__(self, input_dim=4, hidden_dim=9, n_layers=2):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.n_layers = n_layers
        self.gru = nn.GRU(input_dim, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        h = torch.zeros(self.n_layers, x.size(0), self.hidden_dim)
        out, h = self.gru(x, h)
        return self.fc(out)
