# nnport-test: class=ConfigurableCNN input=N,1,12,12
"""Layers chosen by constructor flags with defaults, built in a for loop into a list and
unpacked into nn.Sequential(*layers); BatchNorm without affine parameters; dict output."""
import torch.nn as nn


class ConfigurableCNN(nn.Module):
    def __init__(self, channels=(4, 8), use_bn=True, dropout=0.1, num_classes=3):
        super(ConfigurableCNN, self).__init__()
        layers = []
        in_ch = 1
        for out_ch in channels:
            layers += [nn.Conv2d(in_ch, out_ch, kernel_size=3, padding=1)]
            if use_bn:
                layers.append(nn.BatchNorm2d(out_ch, affine=False))
            layers.append(nn.ReLU(inplace=True))
            layers.append(nn.MaxPool2d(2))
            in_ch = out_ch
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout) if dropout else nn.Identity(),
                                        nn.Linear(in_ch * 3 * 3, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))
