# nnport-test: class=PackedMeanLSTM input=N,9,3 input=N dtype=float32 dtype=int64 lengths=9 batch=4
"""2-layer LSTM over a packed batch: the pad_packed_sequence output (zero past each length) summed
over time, beside the first layer's final state h[0] -> Linear."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class PackedMeanLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 6, num_layers=2, batch_first=True)
        self.fc = nn.Linear(12, 2)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, (h, _) = self.lstm(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=9)
        pooled = out.sum(dim=1)
        return self.fc(torch.cat((pooled, h[0]), dim=1))
