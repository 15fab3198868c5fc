# nnport-test: class=Net input=N,5,3
"""Older-style LSTM regressor: Variable-wrapped zero states, flatten_parameters(), a module-level
device, hn.squeeze() (exact for batch > 1)."""
import torch
import torch.nn as nn
from torch.autograd import Variable

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')


class Net(nn.Module):
    def __init__(self, input_dim=3, hidden_dim=8, layer_dim=1, output_dim=2):
        super(Net, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.lstm = nn.LSTM(input_dim, hidden_dim, layer_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        self.lstm.flatten_parameters()
        h0 = Variable(torch.zeros(self.layer_dim, x.size(0), self.hidden_dim, device=x.device))
        c0 = torch.zeros(self.layer_dim, x.size(0), self.hidden_dim).requires_grad_().to(device)
        out, (hn, cn) = self.lstm(x, (h0.detach(), c0.detach()))
        return self.fc(hn.squeeze())
