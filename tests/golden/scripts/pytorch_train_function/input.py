# PyTorch -> Keras: train(model, loader, optimizer, epochs) holds the epoch loop around the batch
# loop; its call with the script's model, loader and optimiser becomes compile + fit there (the
# function is not written, noted at its definition), the epoch count taken from the call.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x)


criterion = nn.CrossEntropyLoss()


def train(model, loader, optimizer, epochs):
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(epoch, running / len(loader))


x = np.zeros((20, 4), dtype="float32")
y = np.zeros((20,), dtype="int64")
train_loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=5, shuffle=True)
model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
train(model, train_loader, opt, 4)
torch.save(model.state_dict(), "net.pt")
