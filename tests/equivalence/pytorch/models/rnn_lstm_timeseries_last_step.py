# nnport-test: class=LSTMRegressor input=N,12,5
"""Time-series regressor: 2-layer LSTM with zero initial states -> out[:, -1, :] -> Linear."""
import torch
import torch.nn as nn


class LSTMRegressor(nn.Module):
    def __init__(self, input_size=5, hidden_size=16, num_layers=2, output_size=1):
        super(LSTMRegressor, self).__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        c0 = torch.zeros(self.num_layers, x.size(0), self.hidden_size).to(x.device)
        out, _ = self.lstm(x, (h0, c0))
        out = self.fc(out[:, -1, :])
        return out
