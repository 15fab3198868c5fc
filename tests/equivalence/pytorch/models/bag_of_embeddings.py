# nnport-test: class=BagOfEmbeddings input=N,16 dtype=int64 vocab=300 batch=3
"""Bag-of-embeddings classifier: Embedding -> mean over tokens -> Linear -> ReLU -> Linear -> softmax."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab_size=300, dim=24, hidden=32, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, ids):
        e = self.emb(ids)
        pooled = e.mean(dim=1)
        h = F.relu(self.fc1(pooled))
        return F.softmax(self.fc2(h), dim=1)
