# nnport-test: class=BmmAttentionPool input=N,7,10
import torch
import torch.nn as nn


class BmmAttentionPool(nn.Module):
    """Single-head attention with torch.bmm, then attention pooling: a query made from the mean
    step scores every step (bmm), and torch.matmul takes the weighted sum."""

    def __init__(self, in_dim=10, d=8, num_classes=4):
        super().__init__()
        self.proj = nn.Linear(in_dim, 3 * d)
        self.query = nn.Linear(d, d, bias=False)
        self.fc = nn.Linear(d, num_classes)
        self.d = d

    def forward(self, x):
        q, k, v = self.proj(x).split(self.d, dim=-1)
        scores = torch.bmm(q, k.permute(0, 2, 1)) * (self.d ** -0.5)
        h = torch.bmm(torch.softmax(scores, dim=2), v)               # (N, T, d)
        query = self.query(h.mean(dim=1, keepdim=True))              # (N, 1, d)
        pool = torch.softmax(torch.bmm(query, h.transpose(1, 2)), dim=-1)  # (N, 1, T)
        summary = torch.matmul(pool, h).squeeze(1)                   # (N, d)
        return self.fc(summary)
