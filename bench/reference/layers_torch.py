#!/usr/bin/env python3
"""Each convolution shape of AlexNetCifar and ResNet18Cifar alone in PyTorch, forward and backward (input and weight
gradients), batch 64, median milliseconds: the twin of `DeepPassport.Bench engine ROUNDS layers`; then training batch
norm alone and with an in-place ReLU, the twin of the batch norms of `engine ROUNDS ops`.

    python3 bench/reference/layers_torch.py [ROUNDS] [THREADS]
"""
import statistics
import sys
import time

import torch

LAYERS = [  # name, in, out, side, kernel, stride, padding (as EngineBench.ConvLayers)
    ("alexnet conv1", 3, 64, 32, 5, 1, 2),
    ("alexnet conv2", 64, 192, 16, 5, 1, 2),
    ("alexnet conv3", 192, 384, 8, 3, 1, 1),
    ("alexnet conv4", 384, 256, 8, 3, 1, 1),
    ("alexnet conv5", 256, 256, 8, 3, 1, 1),
    ("resnet conv1", 3, 64, 32, 3, 1, 1),
    ("resnet layer1", 64, 64, 32, 3, 1, 1),
    ("resnet layer2 down", 64, 128, 32, 3, 2, 1),
    ("resnet layer2 short", 64, 128, 32, 1, 2, 0),
    ("resnet layer2", 128, 128, 16, 3, 1, 1),
    ("resnet layer3 down", 128, 256, 16, 3, 2, 1),
    ("resnet layer3 short", 128, 256, 16, 1, 2, 0),
    ("resnet layer3", 256, 256, 8, 3, 1, 1),
    ("resnet layer4 down", 256, 512, 8, 3, 2, 1),
    ("resnet layer4 short", 256, 512, 8, 1, 2, 0),
    ("resnet layer4", 512, 512, 4, 3, 1, 1),
]

NORMS = [(64, 32), (192, 16), (128, 16), (256, 8), (512, 4)]  # channels, side (as EngineBench.Ops)


def timed(rounds, step):
    """Median forward and backward milliseconds of step() -> (forward ms, backward ms), after a second untimed (as
    EngineBench.Op does, there for the JIT's tiers)."""
    start = time.perf_counter()
    while time.perf_counter() - start < 1:
        step()
    fwd, bwd = zip(*(step() for _ in range(rounds)))
    return statistics.median(fwd), statistics.median(bwd)


def report(label, times):
    print(f"  {label:<24} forward {times[0]:7.2f} ms  backward {times[1]:7.2f} ms", flush=True)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.manual_seed(3)
    for name, cin, cout, side, k, stride, pad in LAYERS:
        conv = torch.nn.Conv2d(cin, cout, k, stride, pad, bias=False)
        x = torch.randn(64, cin, side, side, requires_grad=True)
        dy = torch.randn_like(conv(x))

        def one_round():
            x.grad = None
            conv.weight.grad = None
            t0 = time.perf_counter()
            y = conv(x)
            t1 = time.perf_counter()
            y.backward(dy)
            t2 = time.perf_counter()
            return (t1 - t0) * 1e3, (t2 - t1) * 1e3

        report(f"{name} {cin}->{cout} {k}x{k}/{stride} @{side}", timed(rounds, one_round))
    for c, side in NORMS:
        for relu in (False, True):
            bn = torch.nn.BatchNorm2d(c)
            x = torch.randn(64, c, side, side, requires_grad=True)
            dy = torch.randn_like(x)

            def one_round():
                x.grad = None
                bn.weight.grad = bn.bias.grad = None
                t0 = time.perf_counter()
                y = bn(x)
                if relu:
                    y = torch.relu_(y)
                t1 = time.perf_counter()
                y.backward(dy)
                t2 = time.perf_counter()
                return (t1 - t0) * 1e3, (t2 - t1) * 1e3

            report(f"batchnorm{'+relu' if relu else ''} {c} @{side}", timed(rounds, one_round))


if __name__ == "__main__":
    main()
