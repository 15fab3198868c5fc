# nnport-test: class=LayerStatesLSTM input=N,9,4
"""2-layer LSTM whose head reads the final hidden state of EVERY layer: cat(h_n[0], h_n[1])."""
import torch
import torch.nn as nn


class LayerStatesLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 7, num_layers=2, batch_first=True, dropout=0.1)
        self.fc = nn.Linear(14, 2)

    def forward(self, x):
        _, (h_n, _) = self.lstm(x)
        return self.fc(torch.cat((h_n[0], h_n[1]), dim=1))
