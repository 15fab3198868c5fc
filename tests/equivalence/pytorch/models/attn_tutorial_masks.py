# nnport-test: class=TutorialLM input=N,6 dtype=int64 vocab=7 batch=3
import math

import torch
import torch.nn as nn


class TutorialLM(nn.Module):
    """The PyTorch language-model tutorial's pattern: a sequence-first encoder, the causal mask
    built by a generate_square_subsequent_mask method (triu -> transpose -> masked_fill), then
    nn.MultiheadAttention pooling that ignores the padded keys (key_padding_mask)."""

    def __init__(self, ntoken=7, d_model=8, nhead=2, pad_idx=0):
        super().__init__()
        self.pad_idx = pad_idx
        self.embed = nn.Embedding(ntoken, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=16)
        self.encoder = nn.TransformerEncoder(layer, 1)
        self.pool = nn.MultiheadAttention(d_model, nhead)
        self.decoder = nn.Linear(d_model, ntoken)
        self.d_model = d_model

    def generate_square_subsequent_mask(self, sz):
        mask = (torch.triu(torch.ones(sz, sz)) == 1).transpose(0, 1)
        mask = mask.float().masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, float(0.0))
        return mask

    def forward(self, ids):
        src = self.embed(ids.t()) * math.sqrt(self.d_model)   # (T, N, E)
        mask = self.generate_square_subsequent_mask(src.size(0))
        padding = ids.eq(self.pad_idx)                        # (N, T)
        h = self.encoder(src, mask)
        pooled, _ = self.pool(h, h, h, key_padding_mask=padding)
        return self.decoder(pooled[-1])
