# nnport-test: class=ReluRNN input=N,10,4
"""Elman RNN with ReLU nonlinearity: out.mean(dim=1) -> Linear."""
import torch
import torch.nn as nn


class ReluRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 8, nonlinearity='relu', batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out.mean(dim=1))
