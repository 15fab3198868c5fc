# nnport-test: class=LearnedPosTransformer input=N,6,12
import torch
import torch.nn as nn


class LearnedPosTransformer(nn.Module):
    """Linear input projection + learned positional embedding (nn.Parameter) + one encoder layer."""

    def __init__(self, in_features=12, d_model=16, seq_len=6, num_classes=4):
        super().__init__()
        self.proj = nn.Linear(in_features, d_model)
        self.pos_embedding = nn.Parameter(torch.zeros(1, seq_len, d_model))
        self.layer = nn.TransformerEncoderLayer(d_model=d_model, nhead=4, dim_feedforward=48, batch_first=True)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        x = self.proj(x) + self.pos_embedding
        x = self.layer(x, src_key_padding_mask=None)
        return self.head(x.mean(dim=1))
