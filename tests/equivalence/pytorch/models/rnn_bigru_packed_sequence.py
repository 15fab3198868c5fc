# nnport-test: class=PackedBiGRUTagger input=N,7,5 input=N dtype=float32 dtype=int64 lengths=7,sorted batch=4
"""Sequence tagger: 2-layer bidirectional GRU over a length-sorted packed batch, pad_packed_sequence
back to (N, T, 2H) (zero past each length) -> Linear per step."""
import torch
import torch.nn as nn
import torch.nn.utils.rnn as rnn_utils


class PackedBiGRUTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(5, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.tags = nn.Linear(12, 4)

    def forward(self, x, lengths):
        packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first=True)
        out, _ = self.gru(packed)
        out, _ = rnn_utils.pad_packed_sequence(out, batch_first=True, total_length=7)
        return self.tags(out)
