"""A GRU whose initial state is a model input (seq2seq decoder style): not lowered yet."""
import torch.nn as nn


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(5, 8, batch_first=True)
        self.fc = nn.Linear(8, 5)

    def forward(self, x, hidden):
        out, hidden = self.gru(x, hidden)
        return self.fc(out)
