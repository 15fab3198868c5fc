# nnport-training: data=mnist train=64 test=16 input=data
"""MNIST as tutorials write it, migrated WITHOUT --input-shape (input=data): a bare
`transform = transforms.ToTensor()` (not a Compose) given to `datasets.MNIST(root, train=True,
download=True, transform=transform)`, a DataLoader, a classifier starting with nn.Flatten whose
input shape nnport reads from the dataset (MNIST + ToTensor: one 1x28x28 image a sample).
The Keras side reads keras.datasets.mnist (the same tiny files here) with ToTensor's scaling and
channel axis written out. CrossEntropyLoss, SGD with momentum.

EXPECT
fit.epochs = 1
fit.batch_size = 8
fit.shuffle = false
optimizer.class = "SGD"
optimizer.learning_rate = 0.05
optimizer.momentum = 0.9
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
"""
import os

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

DATA_DIR = os.environ.get("DATA_DIR", "data")

transform = transforms.ToTensor()
mnist_data = datasets.MNIST(root=DATA_DIR, train=True, download=True, transform=transform)
data_loader = DataLoader(dataset=mnist_data, batch_size=8, shuffle=False)


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.net = nn.Sequential(
            nn.Linear(28 * 28, 32),
            nn.ReLU(),
            nn.Linear(32, 10),
        )

    def forward(self, x):
        return self.net(self.flatten(x))


torch.manual_seed(2)
model = Classifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

num_epochs = 1
for epoch in range(num_epochs):
    for img, label in data_loader:
        recon = model(img)
        loss = criterion(recon, label)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
