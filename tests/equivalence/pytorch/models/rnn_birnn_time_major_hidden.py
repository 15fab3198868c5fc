# nnport-test: class=BiRNN input=N,7,5
"""Time-major bidirectional tanh RNN, 2 layers: cat(hidden[-2,:,:], hidden[-1,:,:]) -> Linear."""
import torch
import torch.nn as nn


class BiRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(5, 6, num_layers=2, bidirectional=True, dropout=0.1)
        self.fc = nn.Linear(12, 2)

    def forward(self, x):
        x = x.permute(1, 0, 2)
        output, hidden = self.rnn(x)
        hidden = torch.cat((hidden[-2, :, :], hidden[-1, :, :]), dim=1)
        return self.fc(hidden)
