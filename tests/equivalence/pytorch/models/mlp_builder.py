# nnport-test: function=build_classifier input=N,16
"""A builder function returning an nn.Sequential classifier with GELU and a softmax output."""
import torch.nn as nn


def build_classifier():
    return nn.Sequential(
        nn.Linear(16, 40),
        nn.GELU(),
        nn.Dropout(0.1),
        nn.Linear(40, 40),
        nn.SiLU(),
        nn.Linear(40, 6),
        nn.Softmax(dim=1),
    )
