#!/usr/bin/env python3
"""Each convolution shape of AlexNetCifar and ResNet18Cifar alone in PyTorch, forward and backward (input and weight
gradients), batch 64, median milliseconds: the twin of `DeepPassport.Bench engine ROUNDS layers`.

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

        # untimed for a second first, as EngineBench.Op does (there for the JIT's tiers)
        start = time.perf_counter()
        while time.perf_counter() - start < 1:
            one_round()
        fwd, bwd = zip(*(one_round() for _ in range(rounds)))
        label = f"{name} {cin}->{cout} {k}x{k}/{stride} @{side}"
        print(f"  {label:<24} forward {statistics.median(fwd):7.2f} ms  backward {statistics.median(bwd):7.2f} ms", flush=True)


if __name__ == "__main__":
    main()
