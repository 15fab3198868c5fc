# nnport-test: class=BiGRUWithState input=N,7,5 input=4,N,6
"""2-layer bidirectional GRU started from a given h0 (layers*directions, N, H): cat(h[-2], h[-1]) -> Linear."""
import torch
import torch.nn as nn


class BiGRUWithState(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(5, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(12, 4)

    def forward(self, x, h0):
        _, hidden = self.gru(x, h0)
        return self.fc(torch.cat((hidden[-2], hidden[-1]), dim=1))
