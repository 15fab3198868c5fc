# nnport-test: class=PackedLSTMClassifier input=N,8 input=N dtype=int64 dtype=int64 lengths=8 batch=4
"""Text classifier over padded token ids and their lengths: pack_padded_sequence(enforce_sorted=False)
-> LSTM -> h_n[-1] (each sequence's state at its last real token) -> Linear."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class PackedLSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(100, 8)
        self.lstm = nn.LSTM(8, 10, batch_first=True)
        self.fc = nn.Linear(10, 3)

    def forward(self, tokens, lengths):
        embedded = self.embedding(tokens)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (hidden, _) = self.lstm(packed)
        return self.fc(hidden[-1])
