# nnport-test: class=PreNormEncoder input=N,7,24
import torch
import torch.nn as nn
import torch.nn.functional as F


class PreNormEncoder(nn.Module):
    """Pre-norm (norm_first=True) GELU encoder with a final LayerNorm, per-token classifier."""

    def __init__(self, d_model=24, num_classes=5):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, 4, 64, 0.1, F.gelu, 1e-6, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(d_model, eps=1e-6))
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        return self.head(self.encoder(x))
