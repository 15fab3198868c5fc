# nnport-test: class=ElmanWithState input=N,6,4 input=2,N,7
"""Bidirectional relu RNN from a given h0; the full output sequence -> Linear per step."""
import torch
import torch.nn as nn


class ElmanWithState(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 7, nonlinearity="relu", batch_first=True, bidirectional=True)
        self.head = nn.Linear(14, 2)

    def forward(self, x, h0):
        y, _ = self.rnn(x, h0)
        return self.head(y)
