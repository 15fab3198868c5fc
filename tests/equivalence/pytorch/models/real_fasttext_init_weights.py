# nnport-test: class=FastText input=N,20 dtype=int64 vocab=100
"""FastText-style bag of embeddings (TorchText tutorial): self.init_weights() helper with .weight.data.uniform_() / .bias.data.zero_()."""
import torch
import torch.nn as nn

class FastText(nn.Module):
    def __init__(self, vocab_size=100, embed_dim=10, num_class=4):
        super(FastText, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text):
        embedded = self.embedding(text).mean(dim=1)
        return self.fc(embedded)
