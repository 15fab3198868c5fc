# nnport-test: class=GRUModel input=N,12,3
"""Real-world GRU regressor: h0 = torch.zeros(...).cuda() if torch.cuda.is_available() else torch.zeros(...), then out.view(-1)."""
import torch
import torch.nn as nn

class GRUModel(nn.Module):
    def __init__(self, input_dim=3, hidden_dim=16, output_dim=1, num_layers=1):
        super(GRUModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = torch.zeros(self.num_layers, x.size(0), self.hidden_dim).cuda() if torch.cuda.is_available() else torch.zeros(self.num_layers, x.size(0), self.hidden_dim)
        out, hn = self.gru(x, h0)
        out = out[:, -1, :]
        out = self.fc(out)
        return out.view(-1)
