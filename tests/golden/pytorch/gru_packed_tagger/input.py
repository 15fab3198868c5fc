# Round trip through the PyTorch writer: a time-major bidirectional GRU over packed sequences
# becomes batch_first=True with the packing around the call, and the final states of both
# directions are concatenated.
import torch
import torch.nn as nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(50, 16, padding_idx=0)
        self.gru = nn.GRU(16, 12, bidirectional=True)
        self.fc = nn.Linear(24, 3)

    def forward(self, ids, lengths):
        x = self.embed(ids).transpose(0, 1)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, h = self.gru(packed)
        return self.fc(torch.cat([h[-2], h[-1]], dim=1))
