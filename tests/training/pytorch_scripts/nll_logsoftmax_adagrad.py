# nnport-training: data=tabular features=6 classes=4 input=N,6
"""Classification with a model that ends in log_softmax and NLLLoss (written as Keras' sparse
categorical cross-entropy with from_logits=True: log_softmax leaves log-probabilities
unchanged), Adagrad (PyTorch's initial accumulator 0 and eps 1e-10 outside the square root made
explicit), `for i, (x, y) in enumerate(loader)` with a progress print every few batches, and an
evaluation block whose counts feed a final print.

EXPECT
fit.epochs = 2
fit.batch_size = 10
optimizer.class = "Adagrad"
optimizer.learning_rate = 0.05
optimizer.initial_accumulator_value = 0.0
optimizer.epsilon = 1e-20
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

data_dir = os.environ.get("DATA_DIR", "data")


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 20)
        self.fc2 = nn.Linear(20, 4)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(h), dim=1)


x = np.load(os.path.join(data_dir, "x_train.npy")).astype(np.float32)
y = np.load(os.path.join(data_dir, "y_train.npy"))
x_t, y_t = np.load(os.path.join(data_dir, "x_test.npy")).astype(np.float32), np.load(os.path.join(data_dir, "y_test.npy"))
train = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=10, shuffle=True)
test = DataLoader(TensorDataset(torch.tensor(x_t), torch.tensor(y_t)), batch_size=10)

torch.manual_seed(5)
model = Classifier()
criterion = nn.NLLLoss()
optimizer = torch.optim.Adagrad(model.parameters(), lr=0.05)

for epoch in range(1, 3):
    for i, (inputs, labels) in enumerate(train):
        optimizer.zero_grad()
        log_probs = model(inputs)
        loss = criterion(log_probs, labels)
        loss.backward()
        optimizer.step()
        if i % 5 == 0:
            print(f"epoch {epoch} batch {i}: {loss.item():.4f}")

correct = 0
total = 0
with torch.no_grad():
    for inputs, labels in test:
        predicted = model(inputs).argmax(dim=1)
        correct += (predicted == labels).sum().item()
        total += labels.size(0)
print(f"accuracy on {total} test samples: {100.0 * correct / total:.1f}%", file=sys.stdout)
