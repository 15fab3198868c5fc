# nnport-test: class=BiLSTM input=N,10 dtype=int64 vocab=150
"""Bidirectional LSTM classifier: cat(hidden[-2], hidden[-1]) -> Linear."""
import torch
import torch.nn as nn


class BiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(150, 12)
        self.lstm = nn.LSTM(12, 10, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(20, 3)

    def forward(self, x):
        _, (hidden, _) = self.lstm(self.embedding(x))
        return self.fc(torch.cat((hidden[-2], hidden[-1]), dim=1))
