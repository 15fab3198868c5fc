# A layer nnport cannot migrate yet: the output is partial (exit 3), the spot is marked with
# TODO(nnport) in the code, and the report lists the diagnostic with its line and column.
import torch.nn as nn


class Normed(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 12, 3, padding=1)
        self.lrn = nn.LocalResponseNorm(2)

    def forward(self, x):
        return self.lrn(self.conv(x))
