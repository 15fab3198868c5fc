# nnport-test: class=GRUNet input=N,15,8
"""Real-world GRU classifier: self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu") in __init__, zeros state .to(self.device)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

class GRUNet(nn.Module):
    def __init__(self, input_dim=8, hidden_dim=24, output_dim=3, n_layers=2, drop_prob=0.2):
        super(GRUNet, self).__init__()
        self.hidden_dim = hidden_dim
        self.n_layers = n_layers
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.gru = nn.GRU(input_dim, hidden_dim, n_layers, batch_first=True, dropout=drop_prob)
        self.fc = nn.Linear(hidden_dim, output_dim)
        self.relu = nn.ReLU()

    def forward(self, x):
        h = self.init_hidden(x.shape[0])
        out, h = self.gru(x, h)
        out = self.fc(self.relu(out[:, -1]))
        return F.log_softmax(out, dim=1)

    def init_hidden(self, batch_size):
        hidden = torch.zeros(self.n_layers, batch_size, self.hidden_dim).to(self.device)
        return hidden
