# nnport-test: class=TabularNet input=N,32 batch=3
"""Tabular classifier with BatchNorm1d after each hidden Linear layer."""
import torch
from torch import nn


class TabularNet(nn.Module):
    def __init__(self):
        super(TabularNet, self).__init__()
        self.layer1 = nn.Linear(32, 48)
        self.bn1 = nn.BatchNorm1d(48)
        self.layer2 = nn.Linear(48, 24, bias=False)
        self.bn2 = nn.BatchNorm1d(24, eps=1e-3, momentum=0.05)
        self.dropout = nn.Dropout(p=0.5)
        self.head = nn.Linear(24, 3)

    def forward(self, x):
        x = torch.relu(self.bn1(self.layer1(x)))
        x = self.dropout(x)
        x = torch.relu(self.bn2(self.layer2(x)))
        return self.head(x)
