# nnport-test: class=PaddedTextEncoder input=N,8 dtype=int64 vocab=5 batch=3
import torch
import torch.nn as nn


class PaddedTextEncoder(nn.Module):
    """Token ids with padding (id 0): the padded keys are hidden from attention through
    src_key_padding_mask = ids == pad_idx."""

    def __init__(self, vocab=5, d_model=16, pad_idx=0, num_classes=3):
        super().__init__()
        self.pad_idx = pad_idx
        self.embed = nn.Embedding(vocab, d_model, padding_idx=pad_idx)
        self.layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=32, batch_first=True)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, ids):
        padding = ids == self.pad_idx
        h = self.layer(self.embed(ids), src_key_padding_mask=padding)
        return self.head(h.max(dim=1).values)
