# nnport-test: class=BiLSTMCells input=N,9 dtype=int64 vocab=60
"""2-layer bidirectional LSTM over embeddings; reads c_n of the first layer's forward direction
and the last layer's backward direction: cat(c[0], c[-1]) -> Linear."""
import torch
import torch.nn as nn


class BiLSTMCells(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(60, 6)
        self.lstm = nn.LSTM(6, 5, num_layers=2, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(10, 3)

    def forward(self, tokens):
        _, (_, cell) = self.lstm(self.embedding(tokens))
        return self.fc(torch.cat((cell[0], cell[-1]), dim=1))
