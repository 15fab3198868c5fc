# nnport-test: object=model input=N,12
# A regression network defined as a module-level nn.Sequential.
import torch.nn as nn

model = nn.Sequential(
    nn.Linear(12, 32),
    nn.Tanh(),
    nn.Linear(32, 16),
    nn.Sigmoid(),
    nn.Linear(16, 4),
)
