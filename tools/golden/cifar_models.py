"""PyTorch twins of DeepPassport's AlexNetCifar and ResNet18Cifar with batch norm (reference-spec 1.2-1.4).

The one definition shared by make_golden.py (whose fixtures hold the C# models to it layer by layer),
check_checkpoint.py and bench/reference/bench_torch.py. Importing it changes no torch setting, so the speed
reference can use it as it is.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBlock(nn.Module):
    """Convolution without bias, BatchNorm2d, optional ReLU; Kaiming-normal (fan_out) weights as in the originals."""

    def __init__(self, i, o, ks, s, pd, relu=True):
        super().__init__()
        self.conv = nn.Conv2d(i, o, ks, s, pd, bias=False)
        self.bn = nn.BatchNorm2d(o)
        self.relu = relu
        nn.init.kaiming_normal_(self.conv.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x


class AlexNetCifar(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            ConvBlock(3, 64, 5, 1, 2), nn.MaxPool2d(2, 2),
            ConvBlock(64, 192, 5, 1, 2), nn.MaxPool2d(2, 2),
            ConvBlock(192, 384, 3, 1, 1), ConvBlock(384, 256, 3, 1, 1), ConvBlock(256, 256, 3, 1, 1),
            nn.MaxPool2d(2, 2))
        self.classifier = nn.Linear(4 * 4 * 256, num_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BasicBlock(nn.Module):
    def __init__(self, i, o, s):
        super().__init__()
        self.convbnrelu_1 = ConvBlock(i, o, 3, s, 1, relu=True)
        self.convbn_2 = ConvBlock(o, o, 3, 1, 1, relu=False)
        self.shortcut = ConvBlock(i, o, 1, s, 0, relu=False) if (s != 1 or i != o) else None

    def forward(self, x):
        out = self.convbn_2(self.convbnrelu_1(x))
        out = out + (self.shortcut(x) if self.shortcut is not None else x)
        return F.relu(out)


class ResNet18Cifar(nn.Module):
    def __init__(self, num_classes=10, width=64):
        super().__init__()
        w = [width, 2 * width, 4 * width, 8 * width]
        self.convbnrelu_1 = ConvBlock(3, w[0], 3, 1, 1, relu=True)
        cin = w[0]
        for li, (c, s) in enumerate(zip(w, [1, 2, 2, 2])):
            setattr(self, f"layer{li + 1}", nn.Sequential(BasicBlock(cin, c, s), BasicBlock(c, c, 1)))
            cin = c
        self.linear = nn.Linear(w[3], num_classes)

    def forward(self, x):
        x = self.convbnrelu_1(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.linear(x)


# The names `deeppassport bench --models` accepts.
MODELS = {"alexnet": AlexNetCifar, "resnet18": ResNet18Cifar}
