# nnport-test: class=TransformerText input=N,8 dtype=int64 vocab=40
import math

import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    """The standard sinusoidal positional encoding, stored as a buffer (batch-first)."""

    def __init__(self, d_model, max_len=16, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.register_buffer("pe", pe)

    def forward(self, x):
        x = x + self.pe[:, :x.size(1)]
        return self.dropout(x)


class TransformerText(nn.Module):
    """Embedding + sinusoidal PE + 2-layer TransformerEncoder (batch_first) + mean pool + Linear."""

    def __init__(self, vocab=40, d_model=16, nhead=2, num_classes=3):
        super().__init__()
        self.d_model = d_model
        self.embedding = nn.Embedding(vocab, d_model)
        self.pos_encoder = PositionalEncoding(d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=32, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, src):
        x = self.embedding(src) * math.sqrt(self.d_model)
        x = self.pos_encoder(x)
        x = self.encoder(x)
        return self.head(x.mean(dim=1))
