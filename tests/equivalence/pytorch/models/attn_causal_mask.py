# nnport-test: class=CausalSelfAttention input=N,6,16
import torch
import torch.nn as nn


class CausalSelfAttention(nn.Module):
    """Decoder-style self-attention: each step attends to itself and earlier steps only
    (a bool triu mask, True = blocked)."""

    def __init__(self, d_model=16, num_heads=4, num_classes=3):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        t = x.size(1)
        mask = torch.triu(torch.ones(t, t, device=x.device), diagonal=1).bool()
        y, _ = self.attn(x, x, x, attn_mask=mask, need_weights=False)
        y = self.norm(x + y)
        return self.head(y[:, -1])
