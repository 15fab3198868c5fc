"""nn.LSTM with proj_size (projected hidden state): Keras has no such layer."""
import torch.nn as nn


class ProjLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(6, 16, batch_first=True, proj_size=4)
        self.fc = nn.Linear(4, 1)

    def forward(self, x):
        out, (h, c) = self.lstm(x)
        return self.fc(h[-1])
