# nnport-test: class=TextCNN input=N,24 dtype=int64 vocab=1000
"""1-D CNN text classifier: Embedding -> permute -> Conv1d -> ReLU -> AdaptiveMaxPool1d(1) -> Linear."""
import torch
import torch.nn as nn


class TextCNN(nn.Module):
    def __init__(self, vocab_size=1000, embed_dim=32, num_filters=24, kernel_size=3, num_classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.conv = nn.Conv1d(embed_dim, num_filters, kernel_size)
        self.relu = nn.ReLU()
        self.pool = nn.AdaptiveMaxPool1d(1)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(num_filters, num_classes)

    def forward(self, tokens):
        x = self.embedding(tokens)          # (N, L, E)
        x = x.permute(0, 2, 1)              # (N, E, L)
        x = self.relu(self.conv(x))         # (N, F, L - k + 1)
        x = self.pool(x).squeeze(-1)        # (N, F)
        x = self.dropout(x)
        return self.fc(x)
