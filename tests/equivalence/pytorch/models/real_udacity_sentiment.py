# nnport-test: class=SentimentRNN input=N,14 dtype=int64 vocab=200
"""Udacity-style sentiment LSTM: module-level train_on_gpu = torch.cuda.is_available(), if/else .cuda() states, x.long() on token ids."""
import torch
import torch.nn as nn

train_on_gpu = torch.cuda.is_available()

class SentimentRNN(nn.Module):
    def __init__(self, vocab_size=200, output_size=1, embedding_dim=16, hidden_dim=12, n_layers=2, drop_prob=0.5):
        super(SentimentRNN, self).__init__()
        self.output_size = output_size
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, output_size)
        self.sig = nn.Sigmoid()

    def forward(self, x, hidden=None):
        batch_size = x.size(0)
        x = x.long()
        if hidden is None:
            hidden = self.init_hidden(batch_size)
        embeds = self.embedding(x)
        lstm_out, hidden = self.lstm(embeds, hidden)
        lstm_out = lstm_out[:, -1, :]
        out = self.dropout(lstm_out)
        out = self.fc(out)
        sig_out = self.sig(out)
        return sig_out

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        if (train_on_gpu):
            hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_().cuda(),
                      weight.new(self.n_layers, batch_size, self.hidden_dim).zero_().cuda())
        else:
            hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
                      weight.new(self.n_layers, batch_size, self.hidden_dim).zero_())
        return hidden
