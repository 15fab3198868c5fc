# nnport-test: class=HandAttention input=N,6,16
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class HandAttention(nn.Module):
    """Multi-head self-attention written by hand: q @ k^T / sqrt(d), softmax, @ v."""

    def __init__(self, d_model=16, num_heads=4, num_classes=3):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = d_model // num_heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        B, T, C = x.size()
        q = self.q(x).view(B, T, self.num_heads, self.head_dim).transpose(1, 2)
        k = self.k(x).view(B, T, self.num_heads, self.head_dim).transpose(1, 2)
        v = self.v(x).view(B, T, self.num_heads, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        weights = F.softmax(scores, dim=-1)
        y = (weights @ v).transpose(1, 2).contiguous().view(B, T, C)
        y = self.out(y) + x
        return self.head(y.mean(dim=1))
