# nnport-test: class=KimCNN input=N,20 dtype=int64 vocab=500
"""Kim-style text CNN with three kernel sizes, max over time and concatenation."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class KimCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(500, 16)
        self.conv3 = nn.Conv1d(16, 12, kernel_size=3)
        self.conv4 = nn.Conv1d(16, 12, kernel_size=4)
        self.conv5 = nn.Conv1d(16, 12, kernel_size=5, padding=2)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(36, 3)

    def forward(self, x):
        x = self.embed(x).transpose(1, 2)
        a = F.relu(self.conv3(x)).max(dim=2)[0]
        b = torch.max(F.relu(self.conv4(x)), dim=2).values
        c = F.relu(self.conv5(x)).amax(dim=-1)
        x = torch.cat([a, b, c], dim=1)
        x = self.dropout(x)
        return F.log_softmax(self.fc(x), dim=1)
