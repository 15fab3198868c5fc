# nnport-training: data=tabular features=8 classes=3 input=N,8
"""Classification with the whole training in one function: `train(model, loader, optimizer,
epochs)` runs the epoch loop and the batch loop over its parameters and is called once with the
script's model, loader, optimiser and an epoch count; an evaluation helper after it.

EXPECT
fit.epochs = 3
fit.batch_size = 10
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.005
loss.class = "SparseCategoricalCrossentropy"
"""
import os

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


criterion = nn.CrossEntropyLoss()


def train(model, loader, optimizer, epochs):
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch + 1}: loss {running / len(loader):.4f}")


def accuracy(model, loader):
    model.eval()
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, labels in loader:
            correct += (model(inputs).argmax(dim=1) == labels).sum().item()
            total += labels.size(0)
    return correct / total


x_train = np.load(os.path.join(DATA_DIR, "x_train.npy")).astype(np.float32)
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy")).astype(np.int64)
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy")).astype(np.float32)
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy")).astype(np.int64)
train_loader = DataLoader(TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
                          batch_size=10, shuffle=True)
test_loader = DataLoader(TensorDataset(torch.from_numpy(x_test), torch.from_numpy(y_test)),
                         batch_size=10)

torch.manual_seed(3)
model = Classifier()
opt = torch.optim.Adam(model.parameters(), lr=0.005)
train(model, train_loader, opt, 3)
test_accuracy = accuracy(model, test_loader)
print("test accuracy", test_accuracy)
