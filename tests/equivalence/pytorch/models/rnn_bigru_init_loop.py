# nnport-test: class=TextRNN input=N,10 dtype=int64 vocab=500
"""Bidirectional 2-layer GRU text classifier with an orthogonal-init loop over named_parameters()
in __init__, a zero state from init_hidden(), cat(hidden[-2, :, :], hidden[-1, :, :])."""
import torch
import torch.nn as nn


class TextRNN(nn.Module):
    def __init__(self, vocab_size=500, embed_size=16, hidden_size=12, num_layers=2, num_classes=4):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.rnn = nn.GRU(embed_size, hidden_size, num_layers, batch_first=True, bidirectional=True)
        for name, param in self.rnn.named_parameters():
            if 'weight' in name:
                nn.init.orthogonal_(param)
            elif 'bias' in name:
                nn.init.zeros_(param)
        self.fc = nn.Linear(hidden_size * 2, num_classes)

    def init_hidden(self, batch_size):
        return torch.zeros(self.num_layers * 2, batch_size, self.hidden_size)

    def forward(self, x):
        batch_size = x.size(0)
        hidden = self.init_hidden(batch_size)
        out, hidden = self.rnn(self.embedding(x), hidden)
        hidden_cat = torch.cat([hidden[-2, :, :], hidden[-1, :, :]], dim=1)
        return self.fc(hidden_cat)
