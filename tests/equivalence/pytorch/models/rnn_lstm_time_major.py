# nnport-test: class=TimeMajorLSTM input=N,9 dtype=int64 vocab=100
"""batch_first=False LSTM (older tutorials): embeddings permuted to (T, N, E), out[-1] -> Linear."""
import torch
import torch.nn as nn


class TimeMajorLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 12)
        self.lstm = nn.LSTM(12, 16)
        self.fc = nn.Linear(16, 3)

    def forward(self, text):
        embedded = self.embedding(text).permute(1, 0, 2)
        output, (hidden, cell) = self.lstm(embedded)
        return self.fc(output[-1])
