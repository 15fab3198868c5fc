# nnport-test: class=Seq2SeqDecoderStep input=7,N,5 input=2,N,6 input=2,N,6
"""Time-major 2-layer LSTM (batch_first=False) fed an encoder's (h, c): every step -> Linear."""
import torch
import torch.nn as nn


class Seq2SeqDecoderStep(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(input_size=5, hidden_size=6, num_layers=2)
        self.out = nn.Linear(6, 3)

    def forward(self, inputs, hidden, cell):
        outputs, (hidden, cell) = self.rnn(inputs, (hidden, cell))
        return self.out(outputs)
