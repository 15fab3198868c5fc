# nnport-test: class=MultiQueryAttention input=N,5,12
import torch
import torch.nn as nn


class MultiQueryAttention(nn.Module):
    """Multi-query attention: 3 query heads share one key/value head, so the products
    broadcast (N, H, T, d) @ (N, 1, d, T) and (N, H, T, T) @ (N, 1, T, d)."""

    def __init__(self, d_model=12, num_heads=3, num_classes=2):
        super().__init__()
        self.h = num_heads
        self.d = d_model // num_heads
        self.q = nn.Linear(d_model, d_model)
        self.kv = nn.Linear(d_model, 2 * self.d)
        self.out = nn.Linear(d_model, num_classes)

    def forward(self, x):
        n, t, _ = x.shape
        q = self.q(x).reshape(n, t, self.h, self.d).permute(0, 2, 1, 3)   # (N, H, T, d)
        k, v = self.kv(x).unsqueeze(1).chunk(2, dim=-1)                  # (N, 1, T, d) each
        attn = torch.matmul(q, k.transpose(2, 3)) / self.d ** 0.5
        y = torch.matmul(attn.softmax(dim=-1), v)                        # (N, H, T, d)
        y = y.permute(0, 2, 1, 3).reshape(n, t, self.h * self.d)
        return self.out(y.amax(dim=1))
