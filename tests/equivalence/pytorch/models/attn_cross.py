# nnport-test: class=CrossAttention input=N,6,16 input=N,9,12
import torch
import torch.nn as nn


class CrossAttention(nn.Module):
    """Queries from one sequence attend over another of a different width (kdim = vdim = 12)."""

    def __init__(self, d_model=16, context_dim=12, num_heads=4, num_classes=3):
        super().__init__()
        self.cross = nn.MultiheadAttention(d_model, num_heads, kdim=context_dim, vdim=context_dim,
                                           batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x, context):
        attended, _ = self.cross(x, context, context)
        x = self.norm(x + attended)
        return self.head(x.mean(dim=1))
