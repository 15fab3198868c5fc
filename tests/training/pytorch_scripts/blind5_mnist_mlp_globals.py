# nnport-training: data=mnist train=64 test=16 input=N,784
"""MNIST with a fully connected network, in the style of many blog posts and course notebooks:
`train(epoch)` / `test()` helpers that use the module-level model, loaders, optimizer and loss,
the images flattened per batch in the loop (`data.view(-1, 28 * 28)`), a per-epoch StepLR
stepped beside the helpers, an accuracy counted with argmax/eq/sum, and the weights saved.
The helpers become the one fit (validation on the test loader) of the epoch loop, the flattening
a reshape of the whole arrays (channels-first order) where the dataset is read.

EXPECT
fit.epochs = 2
fit.batch_size = 8
fit.shuffle = true
optimizer.class = "SGD"
optimizer.learning_rate = 0.01
optimizer.momentum = 0.5
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
callback0.class = "LearningRateScheduler"
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torchvision import datasets, transforms

DATA_DIR = os.environ.get("DATA_DIR", "./data")

batch_size = 8
learning_rate = 0.01
epochs = 2

torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

transform = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize((0.1307,), (0.3081,)),
])

train_dataset = datasets.MNIST(root=DATA_DIR, train=True, transform=transform, download=True)
test_dataset = datasets.MNIST(root=DATA_DIR, train=False, transform=transform)

train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=batch_size, shuffle=False)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(28 * 28, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


model = Net().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=learning_rate, momentum=0.5)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)


def train(epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        data = data.view(-1, 28 * 28)
        optimizer.zero_grad()
        output = model(data)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % 4 == 0:
            print("Train Epoch: {} [{}/{}]\tLoss: {:.6f}".format(
                epoch, batch_idx * len(data), len(train_loader.dataset), loss.item()))


def test():
    model.eval()
    test_loss = 0
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            data = data.view(-1, 28 * 28)
            output = model(data)
            test_loss += criterion(output, target).item()
            pred = output.argmax(dim=1)
            correct += pred.eq(target).sum().item()
    test_loss /= len(test_loader)
    print("Test set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)".format(
        test_loss, correct, len(test_loader.dataset), 100.0 * correct / len(test_loader.dataset)))


for epoch in range(1, epochs + 1):
    train(epoch)
    test()
    scheduler.step()

torch.save(model.state_dict(), "mnist_mlp.pt")
