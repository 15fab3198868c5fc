# nnport-training: data=tokens vocab=50 length=12 classes=4 train=64 test=16 input=N,12 dtype=int64
"""Text classification over token ids, after the PyTorch "Text classification" tutorial but with
padded sequences: nn.Embedding averaged over the tokens and a linear head, `train(dataloader)` /
`evaluate(dataloader)` helpers using the module-level model, optimizer and criterion, the
tutorial's `total_acc += (predicted_label.argmax(1) == label).sum().item()` accuracy, SGD with
gradient clipping and StepLR stepped each epoch, timing prints. The arrays come from a
`load_split(name)` function returning a TensorDataset (kept, returning the arrays); the epoch
loop stays around one fit per epoch (it reads the clock), the progress block with its timing is
dropped with a warning, `clip_grad_norm_` is `global_clipnorm`.

EXPECT
fit.epochs = 1
fit.initial_epoch = 0
fit.batch_size = 8
fit.shuffle = true
optimizer.class = "SGD"
optimizer.learning_rate = 0.5
optimizer.global_clipnorm = 0.1
loss.class = "SparseCategoricalCrossentropy"
loss.from_logits = true
callback0.class = "LearningRateScheduler"
"""
import os
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

DATA_DIR = os.environ.get("DATA_DIR", "data")

EPOCHS = 3
LR = 0.5
BATCH_SIZE = 8

torch.manual_seed(1)


def load_split(name):
    x = np.load(os.path.join(DATA_DIR, f"x_{name}.npy"))
    y = np.load(os.path.join(DATA_DIR, f"y_{name}.npy"))
    return TensorDataset(torch.from_numpy(x), torch.from_numpy(y))


train_dataloader = DataLoader(load_split("train"), batch_size=BATCH_SIZE, shuffle=True)
valid_dataloader = DataLoader(load_split("test"), batch_size=BATCH_SIZE)


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text):
        embedded = self.embedding(text).mean(dim=1)
        return self.fc(embedded)


model = TextClassificationModel(50, 16, 4)
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)


def train(dataloader):
    model.train()
    total_acc, total_count = 0, 0
    log_interval = 2
    start_time = time.time()
    for idx, (text, label) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
        if idx % log_interval == 0 and idx > 0:
            elapsed = time.time() - start_time
            print("| epoch {:3d} | {:5d}/{:5d} batches | accuracy {:8.3f}".format(
                epoch, idx, len(dataloader), total_acc / total_count))
            total_acc, total_count = 0, 0
            start_time = time.time()


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for idx, (text, label) in enumerate(dataloader):
            predicted_label = model(text)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


for epoch in range(1, EPOCHS + 1):
    epoch_start_time = time.time()
    train(train_dataloader)
    accu_val = evaluate(valid_dataloader)
    scheduler.step()
    print("-" * 59)
    print("| end of epoch {:3d} | time: {:5.2f}s | valid accuracy {:8.3f} ".format(
        epoch, time.time() - epoch_start_time, accu_val))
    print("-" * 59)

torch.save(model.state_dict(), "text_classifier.pt")
