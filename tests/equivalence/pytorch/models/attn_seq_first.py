# nnport-test: class=SeqFirstTransformer input=N,9 dtype=int64 vocab=30
import math

import torch
import torch.nn as nn


class SeqFirstTransformer(nn.Module):
    """The classic seq-first (T, N, E) recipe: src.transpose(0, 1), a (max_len, 1, d) PE buffer,
    batch_first=False encoder, mean over dim 0."""

    def __init__(self, vocab=30, d_model=16, max_len=20, num_classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, d_model)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.register_buffer("pe", pe)
        layer = nn.TransformerEncoderLayer(d_model, 2, dim_feedforward=32, activation="relu")
        self.transformer_encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.decoder = nn.Linear(d_model, num_classes)

    def forward(self, src):
        src = src.transpose(0, 1)
        x = self.embedding(src) * math.sqrt(16)
        x = x + self.pe[:x.size(0)]
        x = self.transformer_encoder(x)
        return self.decoder(x.mean(dim=0))
