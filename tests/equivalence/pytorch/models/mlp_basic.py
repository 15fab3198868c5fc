# nnport-test: class=MLP input=N,20
"""A plain multi-layer perceptron for tabular data."""
import torch
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, in_features=20, hidden=64, num_classes=5, p=0.3):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act1 = nn.ReLU()
        self.drop1 = nn.Dropout(p)
        self.fc2 = nn.Linear(hidden, hidden // 2)
        self.act2 = nn.ReLU()
        self.drop2 = nn.Dropout(p)
        self.out = nn.Linear(hidden // 2, num_classes)

    def forward(self, x):
        x = self.drop1(self.act1(self.fc1(x)))
        x = self.drop2(self.act2(self.fc2(x)))
        return self.out(x)
