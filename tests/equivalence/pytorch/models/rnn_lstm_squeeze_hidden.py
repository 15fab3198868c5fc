# nnport-test: class=SentimentLSTM input=N,10 dtype=int64 vocab=300
"""Sentiment LSTM: hidden.squeeze(0) of a single-layer LSTM -> Dropout -> Linear -> sigmoid."""
import torch
import torch.nn as nn


class SentimentLSTM(nn.Module):
    def __init__(self, vocab_size=300, embedding_dim=16, hidden_dim=20):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(hidden_dim, 1)

    def forward(self, x):
        embeds = self.embedding(x)
        lstm_out, (ht, ct) = self.lstm(embeds)
        out = self.dropout(ht.squeeze(0))
        return torch.sigmoid(self.fc(out))
