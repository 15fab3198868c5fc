# nnport-test: class=DeepLSTM input=N,6,3
"""3-layer LSTM with dropout between layers, no bias; out[:, -1] -> Linear."""
import torch
import torch.nn as nn


class DeepLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(input_size=3, hidden_size=8, num_layers=3, dropout=0.25, batch_first=True, bias=False)
        self.linear = nn.Linear(8, 2)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.linear(y[:, -1])
