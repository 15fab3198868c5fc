# nnport-training: data=tokens vocab=40 length=12 classes=3 input=N,12 dtype=int64
"""Text classification on token id sequences: an embedding averaged over time and a linear
classifier, AdamW with PyTorch's default weight_decay=0.01 (decoupled in both frameworks; Keras'
own default is 0.004), evaluated by a helper function that returns (loss, accuracy).

EXPECT
fit.epochs = 3
fit.batch_size = 16
optimizer.class = "AdamW"
optimizer.weight_decay = 0.01
optimizer.epsilon = 1e-08
loss.class = "SparseCategoricalCrossentropy"
metric0.class = "SparseCategoricalAccuracy"
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab=40, dim=8, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, dim)
        self.classifier = nn.Linear(dim, classes)

    def forward(self, tokens):
        return self.classifier(self.embedding(tokens).mean(dim=1))


def evaluate(model, loader, criterion):
    model.eval()
    loss_sum, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for tokens, labels in loader:
            logits = model(tokens)
            loss_sum += criterion(logits, labels).item() * labels.size(0)
            correct += (logits.argmax(1) == labels).sum().item()
            n += labels.size(0)
    return loss_sum / n, correct / n


parser = argparse.ArgumentParser()
parser.add_argument("--data-dir", default=os.environ.get("DATA_DIR", "data"))
args = parser.parse_args()
x_train = torch.from_numpy(np.load(os.path.join(args.data_dir, "x_train.npy")))
y_train = torch.from_numpy(np.load(os.path.join(args.data_dir, "y_train.npy")))
x_test = torch.from_numpy(np.load(os.path.join(args.data_dir, "x_test.npy")))
y_test = torch.from_numpy(np.load(os.path.join(args.data_dir, "y_test.npy")))

train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=16, shuffle=True)
test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=16)
torch.manual_seed(3)
model = BagOfEmbeddings()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)

for epoch in range(3):
    model.train()
    for tokens, labels in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(tokens), labels)
        loss.backward()
        optimizer.step()
    test_loss, test_acc = evaluate(model, test_loader, criterion)
    print(f"epoch {epoch}: test loss {test_loss:.4f} accuracy {test_acc:.3f}")

test_loss, test_acc = evaluate(model, test_loader, criterion)
print("final", round(test_loss, 4), round(test_acc, 3))
