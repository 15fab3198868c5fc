# nnport-test: class=TinyMixer input=N,3,16,16
"""MLP-Mixer-like model: patch embedding conv, flatten(2) + transpose into tokens, token- and channel-mixing Linears."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TinyMixer(nn.Module):
    def __init__(self, patch=4, dim=16, num_tokens=16, num_classes=4):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, dim, kernel_size=patch, stride=patch)
        self.token_fc1 = nn.Linear(num_tokens, 32)
        self.token_fc2 = nn.Linear(32, num_tokens)
        self.channel_fc1 = nn.Linear(dim, 32)
        self.channel_fc2 = nn.Linear(32, dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x)            # (N, D, 4, 4)
        x = x.flatten(2).transpose(1, 2)   # (N, T, D)
        y = x.transpose(1, 2)              # (N, D, T)
        y = self.token_fc2(F.gelu(self.token_fc1(y)))
        x = x + y.transpose(1, 2)
        x = x + self.channel_fc2(F.gelu(self.channel_fc1(x)))
        x = x.mean(dim=1)
        return self.head(x)
