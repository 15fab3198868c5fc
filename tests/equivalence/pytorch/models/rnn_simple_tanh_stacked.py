# nnport-test: class=CharRNN input=N,11 dtype=int64 vocab=60
"""Char-level RNN classifier: Embedding -> 2-layer tanh RNN -> hidden[-1] -> Linear."""
import torch
import torch.nn as nn


class CharRNN(nn.Module):
    def __init__(self, n_chars=60, n_hidden=16, n_layers=2, n_classes=5):
        super().__init__()
        self.n_layers = n_layers
        self.n_hidden = n_hidden
        self.emb = nn.Embedding(n_chars, 10)
        self.rnn = nn.RNN(10, n_hidden, n_layers, batch_first=True)
        self.fc = nn.Linear(n_hidden, n_classes)

    def forward(self, x):
        h0 = torch.zeros(self.n_layers, x.size(0), self.n_hidden)
        out, hidden = self.rnn(self.emb(x), h0)
        return self.fc(hidden[-1])
