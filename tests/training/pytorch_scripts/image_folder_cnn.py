# nnport-training: data=images classes=3 size=16 train=48 input=N,3,16,16
"""Image classification from a folder of PNG images (one sub-folder per class) read with
torchvision's ImageFolder, Resize + ToTensor + Normalize, a small CNN trained with Adam.
The Keras model is channels-last: the images come from image_dataset_from_directory as NHWC
0-255 values, rescaled and normalised as the source's transforms do.

EXPECT
fit.epochs = 2
optimizer.class = "Adam"
optimizer.learning_rate = 0.002
optimizer.epsilon = 1e-08
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

DATA_DIR = os.environ.get("DATA_DIR", "data")
MEAN, STD = [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]


class SmallCNN(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 8 * 8, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)


transform = transforms.Compose([
    transforms.Resize((16, 16)),
    transforms.ToTensor(),
    transforms.Normalize(MEAN, STD),
])
train_set = datasets.ImageFolder(os.path.join(DATA_DIR, "images"), transform=transform)
train_loader = DataLoader(train_set, batch_size=8, shuffle=True)

torch.manual_seed(2)
model = SmallCNN(num_classes=3)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)

for epoch in range(2):
    model.train()
    seen, total_loss = 0, 0.0
    for images, targets in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(images), targets)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * images.size(0)
        seen += images.size(0)
    print(f"epoch {epoch}: {total_loss / seen:.4f}")
