# nnport-test: class=LSTMClassifier input=N,10 dtype=int64 vocab=200
"""LSTM text classifier (tutorial style): Embedding -> LSTM(batch_first) -> hidden[-1] -> Linear."""
import torch
import torch.nn as nn


class LSTMClassifier(nn.Module):
    def __init__(self, vocab_size=200, embed_dim=16, hidden_dim=24, num_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, num_classes)

    def forward(self, x):
        embedded = self.embedding(x)
        output, (hidden, cell) = self.lstm(embedded)
        return self.fc(hidden[-1])
