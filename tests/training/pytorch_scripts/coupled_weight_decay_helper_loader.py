# nnport-training: data=tabular features=8 classes=3 input=N,8
"""SGD with momentum and coupled weight_decay=0.05 (torch adds weight_decay * w to every
gradient; Keras' weight_decay is decoupled, so the migration puts an L2 regularizer of
weight_decay / 2 on every trainable weight: the same gradients, and Keras' reported loss
includes the penalty, which the driver subtracts before comparing), loaders made by a helper
function called with positional and keyword arguments, and a prediction loop with
torch.argmax(..., dim=1) over the test loader.

EXPECT
fit.epochs = 2
fit.batch_size = 16
fit.shuffle = true
optimizer.class = "SGD"
optimizer.learning_rate = 0.1
optimizer.momentum = 0.9
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
"""
import os

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")


def make_loader(x, y, batch_size=32, shuffle=False):
    return DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=batch_size,
                      shuffle=shuffle)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 12)
        self.fc2 = nn.Linear(12, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


torch.manual_seed(11)
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))
train_loader = make_loader(x_train, y_train, batch_size=16, shuffle=True)
test_loader = make_loader(x_test, y_test)

model = Net()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.05)

for epoch in range(2):
    model.train()
    for inputs, targets in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch} done")

model.eval()
predicted = []
with torch.no_grad():
    for inputs, _ in test_loader:
        predicted.append(torch.argmax(model(inputs), dim=1).numpy())
print("test accuracy:", float(np.mean(np.concatenate(predicted) == y_test)))
