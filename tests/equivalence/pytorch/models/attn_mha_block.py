# nnport-test: class=AttentionBlock input=N,8,32
import torch
import torch.nn as nn


class AttentionBlock(nn.Module):
    """Self-attention with a residual connection and LayerNorm (post-norm), then a classifier."""

    def __init__(self, d_model=32, num_heads=4, num_classes=5):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, num_heads, dropout=0.1, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        attn_out, _ = self.attn(x, x, x, need_weights=False)
        x = self.norm(x + attn_out)
        return self.head(x.mean(dim=1))
