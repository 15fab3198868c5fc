# nnport-test: class=BiGRUPool input=N,12 dtype=int64 vocab=200
"""Bidirectional GRU text classifier: concat of mean and max pooling over time -> Linear."""
import torch
import torch.nn as nn


class BiGRUPool(nn.Module):
    def __init__(self, vocab_size=200, emb_dim=10, hidden=8, n_classes=3):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(4 * hidden, n_classes)

    def forward(self, x):
        out, _ = self.gru(self.emb(x))
        avg_pool = torch.mean(out, 1)
        max_pool, _ = torch.max(out, 1)
        return self.fc(torch.cat((avg_pool, max_pool), 1))
