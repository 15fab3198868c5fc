# nnport-test: class=StatefulLSTM input=N,6,5 input=1,N,8 input=1,N,8
"""LSTM continuing from states given to forward (h0, c0), e.g. the previous chunk's: out[:, -1] -> Linear."""
import torch
import torch.nn as nn


class StatefulLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x, h0, c0):
        out, (h, c) = self.lstm(x, (h0, c0))
        return self.fc(out[:, -1])
