# nnport-test: class=CausalEncoder input=N,7,12
import torch
import torch.nn as nn


class CausalEncoder(nn.Module):
    """A GPT-like stack: nn.TransformerEncoder with the float -inf causal mask of
    nn.Transformer.generate_square_subsequent_mask; the per-step outputs are read."""

    def __init__(self, d_model=12, num_classes=4):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, nhead=3, dim_feedforward=24, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        mask = nn.Transformer.generate_square_subsequent_mask(x.size(1))
        h = self.encoder(x, mask=mask)
        return self.head(h).mean(dim=1)
