# nnport-test: class=LSTMNet input=N,6,1
"""Time-series LSTM that stores lstm state into self.hidden_cell without ever reading it back (write-only member)."""
import torch
import torch.nn as nn

class LSTMNet(nn.Module):
    def __init__(self, input_size=1, hidden_layer_size=32, output_size=1):
        super().__init__()
        self.hidden_layer_size = hidden_layer_size
        self.lstm = nn.LSTM(input_size, hidden_layer_size, batch_first=True)
        self.linear = nn.Linear(hidden_layer_size, output_size)

    def forward(self, input_seq):
        lstm_out, self.hidden_cell = self.lstm(input_seq)
        predictions = self.linear(lstm_out.reshape(-1, self.hidden_layer_size))
        predictions = predictions.view(input_seq.size(0), -1)
        return predictions[:, -1]
