# nnport-test: class=TimeMajorPackedBiLSTM input=6,N,4 input=N dtype=float32 dtype=int64 lengths=6 batch=4
"""Time-major bidirectional LSTM over a packed batch (enforce_sorted=False): the final states of both
directions and the last layer's cell state: cat(h[-2], h[-1], c[-1]) -> Linear."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence


class TimeMajorPackedBiLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 5, bidirectional=True)
        self.fc = nn.Linear(15, 3)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, (h, c) = self.lstm(packed)
        return self.fc(torch.cat((h[-2], h[-1], c[-1]), dim=1))
