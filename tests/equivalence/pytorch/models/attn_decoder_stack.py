# nnport-test: class=Seq2SeqTransformer input=N,6,12 input=N,4,12
import torch
import torch.nn as nn


class Seq2SeqTransformer(nn.Module):
    """Sequence-first encoder-decoder: nn.TransformerEncoder over the source, a 2-layer pre-norm
    GELU nn.TransformerDecoder (final LayerNorm) over the target with a bool causal mask."""

    def __init__(self, d_model=12, nhead=3, num_classes=5):
        super().__init__()
        enc = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=24)
        dec = nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward=20, activation="gelu",
                                         norm_first=True)
        self.encoder = nn.TransformerEncoder(enc, num_layers=1)
        self.decoder = nn.TransformerDecoder(dec, num_layers=2, norm=nn.LayerNorm(d_model))
        self.out = nn.Linear(d_model, num_classes)

    def forward(self, src, tgt):
        src = src.transpose(0, 1)                      # (S, N, E)
        tgt = tgt.transpose(0, 1)                      # (T, N, E)
        t = tgt.size(0)
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        memory = self.encoder(src)
        h = self.decoder(tgt, memory, tgt_mask=causal)
        return self.out(h.mean(dim=0))
