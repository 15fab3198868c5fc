# nnport-test: class=LSTMMaxPool input=N,10 dtype=int64 vocab=120
"""Embedding -> LSTM -> max over time (torch.max(out, 1)[0]) -> Linear."""
import torch
import torch.nn as nn


class LSTMMaxPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(120, 14)
        self.lstm = nn.LSTM(14, 18, batch_first=True)
        self.classifier = nn.Linear(18, 2)

    def forward(self, x):
        lstm_out, _ = self.lstm(self.embedding(x))
        pooled = torch.max(lstm_out, 1)[0]
        return self.classifier(pooled)
