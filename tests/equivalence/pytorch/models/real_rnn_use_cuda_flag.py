# nnport-test: class=RNNClassifier input=N,9,4
"""RNN classifier with self.use_cuda = torch.cuda.is_available() and `if self.use_cuda: hidden = hidden.cuda()`."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

class RNNClassifier(nn.Module):
    def __init__(self, input_size=4, hidden_size=10, output_size=3, n_layers=1):
        super(RNNClassifier, self).__init__()
        self.use_cuda = torch.cuda.is_available()
        self.hidden_size = hidden_size
        self.n_layers = n_layers
        self.rnn = nn.RNN(input_size, hidden_size, n_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def init_hidden(self, batch_size):
        hidden = Variable(torch.zeros(self.n_layers, batch_size, self.hidden_size))
        if self.use_cuda:
            hidden = hidden.cuda()
        return hidden

    def forward(self, x):
        hidden = self.init_hidden(x.size(0))
        output, hidden = self.rnn(x, hidden)
        output = self.out(hidden[-1])
        return F.softmax(output, dim=-1)
