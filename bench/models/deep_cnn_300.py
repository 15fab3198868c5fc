"""Benchmark model: a deep straight-line CNN written out by hand, about 300 lines."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class DeepNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        # stage 0: 3x3 convolution, batch norm, activation
        self.conv0 = nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(16, eps=1e-5, momentum=0.1)
        self.drop0 = nn.Dropout(0.1)
        # stage 1: 3x3 convolution, batch norm, activation
        self.conv1 = nn.Conv2d(16, 16, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16, eps=1e-5, momentum=0.1)
        self.drop1 = nn.Dropout(0.1)
        # stage 2: 3x3 convolution, batch norm, activation
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32, eps=1e-5, momentum=0.1)
        self.drop2 = nn.Dropout(0.1)
        # stage 3: 3x3 convolution, batch norm, activation
        self.conv3 = nn.Conv2d(32, 32, kernel_size=3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(32, eps=1e-5, momentum=0.1)
        self.drop3 = nn.Dropout(0.1)
        # stage 4: 3x3 convolution, batch norm, activation
        self.conv4 = nn.Conv2d(32, 64, kernel_size=3, padding=1, bias=False)
        self.bn4 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop4 = nn.Dropout(0.1)
        # stage 5: 3x3 convolution, batch norm, activation
        self.conv5 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn5 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop5 = nn.Dropout(0.1)
        # stage 6: 3x3 convolution, batch norm, activation
        self.conv6 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn6 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop6 = nn.Dropout(0.1)
        # stage 7: 3x3 convolution, batch norm, activation
        self.conv7 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn7 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop7 = nn.Dropout(0.1)
        # stage 8: 3x3 convolution, batch norm, activation
        self.conv8 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn8 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop8 = nn.Dropout(0.1)
        # stage 9: 3x3 convolution, batch norm, activation
        self.conv9 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn9 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop9 = nn.Dropout(0.1)
        # stage 10: 3x3 convolution, batch norm, activation
        self.conv10 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn10 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop10 = nn.Dropout(0.1)
        # stage 11: 3x3 convolution, batch norm, activation
        self.conv11 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn11 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop11 = nn.Dropout(0.1)
        # stage 12: 3x3 convolution, batch norm, activation
        self.conv12 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn12 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop12 = nn.Dropout(0.1)
        # stage 13: 3x3 convolution, batch norm, activation
        self.conv13 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn13 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop13 = nn.Dropout(0.1)
        # stage 14: 3x3 convolution, batch norm, activation
        self.conv14 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn14 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop14 = nn.Dropout(0.1)
        # stage 15: 3x3 convolution, batch norm, activation
        self.conv15 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn15 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop15 = nn.Dropout(0.1)
        # stage 16: 3x3 convolution, batch norm, activation
        self.conv16 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn16 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop16 = nn.Dropout(0.1)
        # stage 17: 3x3 convolution, batch norm, activation
        self.conv17 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn17 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop17 = nn.Dropout(0.1)
        # stage 18: 3x3 convolution, batch norm, activation
        self.conv18 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn18 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop18 = nn.Dropout(0.1)
        # stage 19: 3x3 convolution, batch norm, activation
        self.conv19 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn19 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop19 = nn.Dropout(0.1)
        # stage 20: 3x3 convolution, batch norm, activation
        self.conv20 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn20 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop20 = nn.Dropout(0.1)
        # stage 21: 3x3 convolution, batch norm, activation
        self.conv21 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn21 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop21 = nn.Dropout(0.1)
        # stage 22: 3x3 convolution, batch norm, activation
        self.conv22 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn22 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop22 = nn.Dropout(0.1)
        # stage 23: 3x3 convolution, batch norm, activation
        self.conv23 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn23 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop23 = nn.Dropout(0.1)
        # stage 24: 3x3 convolution, batch norm, activation
        self.conv24 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn24 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop24 = nn.Dropout(0.1)
        # stage 25: 3x3 convolution, batch norm, activation
        self.conv25 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn25 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop25 = nn.Dropout(0.1)
        # stage 26: 3x3 convolution, batch norm, activation
        self.conv26 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn26 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop26 = nn.Dropout(0.1)
        # stage 27: 3x3 convolution, batch norm, activation
        self.conv27 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn27 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop27 = nn.Dropout(0.1)
        # stage 28: 3x3 convolution, batch norm, activation
        self.conv28 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn28 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop28 = nn.Dropout(0.1)
        # stage 29: 3x3 convolution, batch norm, activation
        self.conv29 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn29 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop29 = nn.Dropout(0.1)
        # stage 30: 3x3 convolution, batch norm, activation
        self.conv30 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.bn30 = nn.BatchNorm2d(64, eps=1e-5, momentum=0.1)
        self.drop30 = nn.Dropout(0.1)
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, num_classes)

    def forward(self, x):
        # stage 0
        x = self.conv0(x)
        x = self.bn0(x)
        x = F.relu(x)
        x = self.drop0(x)
        # stage 1
        x = self.conv1(x)
        x = self.bn1(x)
        x = F.gelu(x)
        x = self.drop1(x)
        # stage 2
        x = self.conv2(x)
        x = self.bn2(x)
        x = F.relu(x)
        x = self.drop2(x)
        # stage 3
        x = self.conv3(x)
        x = self.bn3(x)
        x = F.gelu(x)
        x = F.max_pool2d(x, 2)
        x = self.drop3(x)
        # stage 4
        x = self.conv4(x)
        x = self.bn4(x)
        x = F.relu(x)
        x = self.drop4(x)
        # stage 5
        x = self.conv5(x)
        x = self.bn5(x)
        x = F.gelu(x)
        x = self.drop5(x)
        # stage 6
        x = self.conv6(x)
        x = self.bn6(x)
        x = F.relu(x)
        x = self.drop6(x)
        # stage 7
        x = self.conv7(x)
        x = self.bn7(x)
        x = F.gelu(x)
        x = F.max_pool2d(x, 2)
        x = self.drop7(x)
        # stage 8
        x = self.conv8(x)
        x = self.bn8(x)
        x = F.relu(x)
        x = self.drop8(x)
        # stage 9
        x = self.conv9(x)
        x = self.bn9(x)
        x = F.gelu(x)
        x = self.drop9(x)
        # stage 10
        x = self.conv10(x)
        x = self.bn10(x)
        x = F.relu(x)
        x = self.drop10(x)
        # stage 11
        x = self.conv11(x)
        x = self.bn11(x)
        x = F.gelu(x)
        x = F.max_pool2d(x, 2)
        x = self.drop11(x)
        # stage 12
        x = self.conv12(x)
        x = self.bn12(x)
        x = F.relu(x)
        x = self.drop12(x)
        # stage 13
        x = self.conv13(x)
        x = self.bn13(x)
        x = F.gelu(x)
        x = self.drop13(x)
        # stage 14
        x = self.conv14(x)
        x = self.bn14(x)
        x = F.relu(x)
        x = self.drop14(x)
        # stage 15
        x = self.conv15(x)
        x = self.bn15(x)
        x = F.gelu(x)
        x = self.drop15(x)
        # stage 16
        x = self.conv16(x)
        x = self.bn16(x)
        x = F.relu(x)
        x = self.drop16(x)
        # stage 17
        x = self.conv17(x)
        x = self.bn17(x)
        x = F.gelu(x)
        x = self.drop17(x)
        # stage 18
        x = self.conv18(x)
        x = self.bn18(x)
        x = F.relu(x)
        x = self.drop18(x)
        # stage 19
        x = self.conv19(x)
        x = self.bn19(x)
        x = F.gelu(x)
        x = self.drop19(x)
        # stage 20
        x = self.conv20(x)
        x = self.bn20(x)
        x = F.relu(x)
        x = self.drop20(x)
        # stage 21
        x = self.conv21(x)
        x = self.bn21(x)
        x = F.gelu(x)
        x = self.drop21(x)
        # stage 22
        x = self.conv22(x)
        x = self.bn22(x)
        x = F.relu(x)
        x = self.drop22(x)
        # stage 23
        x = self.conv23(x)
        x = self.bn23(x)
        x = F.gelu(x)
        x = self.drop23(x)
        # stage 24
        x = self.conv24(x)
        x = self.bn24(x)
        x = F.relu(x)
        x = self.drop24(x)
        # stage 25
        x = self.conv25(x)
        x = self.bn25(x)
        x = F.gelu(x)
        x = self.drop25(x)
        # stage 26
        x = self.conv26(x)
        x = self.bn26(x)
        x = F.relu(x)
        x = self.drop26(x)
        # stage 27
        x = self.conv27(x)
        x = self.bn27(x)
        x = F.gelu(x)
        x = self.drop27(x)
        # stage 28
        x = self.conv28(x)
        x = self.bn28(x)
        x = F.relu(x)
        x = self.drop28(x)
        # stage 29
        x = self.conv29(x)
        x = self.bn29(x)
        x = F.gelu(x)
        x = self.drop29(x)
        # stage 30
        x = self.conv30(x)
        x = self.bn30(x)
        x = F.relu(x)
        x = self.drop30(x)
        x = F.adaptive_avg_pool2d(x, 1)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
