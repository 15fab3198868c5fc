# nnport-test: class=CarryLSTM input=N,5,3 input=1,N,6 input=1,N,6
"""Single-layer LSTM from given (h0, c0) whose head reads the final cell state: c.squeeze(0) -> Linear."""
import torch
import torch.nn as nn


class CarryLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x, h0, c0):
        _, (h_n, c_n) = self.lstm(x, (h0, c0))
        return self.fc(c_n.squeeze(0))
