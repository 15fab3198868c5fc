# Token ids -> embedding -> permute to channels-first -> Conv1d: the permute cancels against the
# channels-last conversion, so the Keras model has no Permute layer at all; max over time
# becomes GlobalMaxPooling1D.
import torch
import torch.nn as nn

VOCAB = 500


class TextCNN(nn.Module):
    def __init__(self, embed_dim=32, num_filters=16, num_classes=3):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, embed_dim)
        self.conv = nn.Conv1d(embed_dim, num_filters, kernel_size=5)
        self.dropout = nn.Dropout(0.5)
        self.fc = nn.Linear(num_filters, num_classes)

    def forward(self, ids):
        x = self.embedding(ids).permute(0, 2, 1)
        x = torch.relu(self.conv(x))
        x = torch.max(x, dim=2)[0]
        return self.fc(self.dropout(x))
