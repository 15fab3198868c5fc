# nnport-test: class=DecoderBlock input=N,5,16 input=N,7,16
import torch
import torch.nn as nn


class DecoderBlock(nn.Module):
    """One nn.TransformerDecoderLayer: causal self-attention over the target (tgt_mask from
    generate_square_subsequent_mask), cross-attention over the encoder memory, feed-forward."""

    def __init__(self, d_model=16, num_classes=3):
        super().__init__()
        self.decoder = nn.TransformerDecoderLayer(d_model, nhead=4, dim_feedforward=32, batch_first=True)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, tgt, memory):
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        h = self.decoder(tgt, memory, tgt_mask=tgt_mask)
        return self.head(h[:, -1])
