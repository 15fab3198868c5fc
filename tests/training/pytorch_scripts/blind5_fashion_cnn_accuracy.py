# nnport-training: data=fashion_mnist train=48 test=16 input=N,1,28,28 expect=partial todo=69,70,94,108
"""FashionMNIST with a small CNN, written as course notebooks do: an `accuracy(outputs, labels)`
helper with torch.max / sum / item, `train_one_epoch(model, loader, optimizer, loss_fn)` and
`evaluate(model, loader)` helpers taking everything as parameters, Adam, a CosineAnnealingLR
stepped after every epoch, a history list of dicts, and `torch.save` of the state dict.
Expected partial: the accuracy helper's torch ops, the evaluation helper's list of per-batch
accuracies and the epoch's `history.append` of what the helpers returned are reported at their
lines; the user's `history` list keeps its name (fit's history takes another).

EXPECT
fit.epochs = 1
fit.initial_epoch = 0
fit.batch_size = 8
fit.shuffle = true
optimizer.class = "Adam"
optimizer.learning_rate = 0.001
optimizer.epsilon = 1e-08
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
callback0.class = "LearningRateScheduler"
"""
import os

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import ToTensor

DATA_DIR = os.environ.get("DATA_DIR", "data")
NUM_EPOCHS = 3
BATCH_SIZE = 8

torch.manual_seed(42)
device = "cuda" if torch.cuda.is_available() else "cpu"
print(f"Using {device} device")

training_data = datasets.FashionMNIST(root=DATA_DIR, train=True, download=True, transform=ToTensor())
test_data = datasets.FashionMNIST(root=DATA_DIR, train=False, download=True, transform=ToTensor())

train_dl = DataLoader(training_data, batch_size=BATCH_SIZE, shuffle=True)
test_dl = DataLoader(test_data, batch_size=BATCH_SIZE)


class FashionCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 7 * 7, 32),
            nn.ReLU(),
            nn.Linear(32, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x)


def accuracy(outputs, labels):
    _, preds = torch.max(outputs, dim=1)
    return torch.sum(preds == labels).item() / len(preds)


def train_one_epoch(model, loader, optimizer, loss_fn):
    model.train()
    running_loss = 0.0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    return running_loss / len(loader)


def evaluate(model, loader):
    model.eval()
    accs = []
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            accs.append(accuracy(outputs, labels))
    return sum(accs) / len(accs)


model = FashionCNN().to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=NUM_EPOCHS)

history = []
for epoch in range(NUM_EPOCHS):
    train_loss = train_one_epoch(model, train_dl, optimizer, loss_fn)
    val_acc = evaluate(model, test_dl)
    scheduler.step()
    history.append({"epoch": epoch, "train_loss": train_loss, "val_acc": val_acc})
    print(f"Epoch [{epoch + 1}/{NUM_EPOCHS}], train_loss: {train_loss:.4f}, val_acc: {val_acc:.4f}")

torch.save(model.state_dict(), "fashion_cnn.pth")
print("Saved PyTorch Model State to fashion_cnn.pth")
