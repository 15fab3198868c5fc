# nnport-test: class=BiLSTMLastStep input=N,9,4
"""Bidirectional LSTM regressor using out[:, -1, :] (the backward half is its FIRST step, not its
final state; the migration must keep that, conventions row 11)."""
import torch
import torch.nn as nn


class BiLSTMLastStep(nn.Module):
    def __init__(self, input_size=4, hidden_size=7):
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])
