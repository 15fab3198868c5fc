# nnport-test: class=ConcatPoolLSTM input=N,10 dtype=int64 vocab=120
"""LSTM classifier on [final hidden state h_n[-1]; mean of the outputs] (reads both the sequence
and the final state of one layer)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConcatPoolLSTM(nn.Module):
    def __init__(self, vocab=120, emb=10, hidden=12, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        out, (h_n, c_n) = self.lstm(self.embedding(x))
        last = h_n[-1]
        pooled = out.mean(dim=1)
        return self.fc(torch.cat((last, pooled), dim=1))
