# nnport-test: class=CellStateLSTM input=N,8,4
"""2-layer LSTM classifier reading the final cell state too: cat(h[-1], c[-1]) -> Linear."""
import torch
import torch.nn as nn


class CellStateLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(torch.cat((h[-1], c[-1]), dim=1))
