# nnport-test: class=BiGRUBoth input=N,8,3
"""Bidirectional GRU: both the max over time of the outputs and cat(h_n[-2], h_n[-1]) feed the head."""
import torch
import torch.nn as nn


class BiGRUBoth(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(24, 2)

    def forward(self, x):
        out, h = self.gru(x)
        final = torch.cat((h[-2], h[-1]), dim=1)
        peak = torch.max(out, dim=1).values
        return self.fc(torch.cat([final, peak], dim=1))
