#!/usr/bin/python3
"""One ISN training step in PyTorch, as `DeepPassport.Bench isn` times ours (reference-spec §4.2; HiNet's blocks).

    /usr/bin/python3 bench/reference/isn_torch.py [ROUNDS] [THREADS]

4 invertible blocks on the Haar bands of 32x32 images (12 channels a stream, 16x16 planes), 4 pairs a step: hide the
secret in the cover, round the stego to 8 bits (straight through), reveal it with the key and with a wrong key; loss
5·MSE(revealed, secret) + MSE(stego, cover) + MSE(LL bands) + mean relu(0.05 − MSE(wrong reveal_i, secret_i));
backward; Adam (betas 0.5/0.999, eps 1e-6, weight decay 1e-5). Prints one JSON line: the median steps/s over ROUNDS
repetitions of 20 steps, on random images (the arithmetic does not depend on them).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

GROWTH, CLAMP, BLOCKS, PAIRS, SIZE = 32, 2.0, 4, 4, 32


def dwt(x):
    """Orthonormal Haar bands, channels LL|HL|LH|HH (each as many as x has)."""
    a, b = x[:, :, 0::2, 0::2], x[:, :, 0::2, 1::2]
    c, d = x[:, :, 1::2, 0::2], x[:, :, 1::2, 1::2]
    return torch.cat([a + b + c + d, -a - b + c + d, -a + b - c + d, a - b - c + d], 1) / 2


def iwt(y):
    n, c4, h, w = y.shape
    c = c4 // 4
    ll, hl, lh, hh = (y[:, i * c:(i + 1) * c] / 2 for i in range(4))
    x = y.new_empty(n, c, 2 * h, 2 * w)
    x[:, :, 0::2, 0::2] = ll - hl - lh + hh
    x[:, :, 0::2, 1::2] = ll - hl + lh - hh
    x[:, :, 1::2, 0::2] = ll + hl - lh - hh
    x[:, :, 1::2, 1::2] = ll + hl + lh + hh
    return x


class Dense(nn.Module):
    """Five 3x3 convolutions with dense connections, growth 32, LeakyReLU 0.01 (HiNet's ResidualDenseBlock_out)."""

    def __init__(self, channels):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(channels + i * GROWTH, GROWTH if i < 4 else channels, 3, padding=1) for i in range(5))
        for conv in self.convs[:4]:
            nn.init.normal_(conv.weight, 0, 0.01)
            nn.init.normal_(conv.bias, 0, 0.01)
        nn.init.zeros_(self.convs[4].weight)
        nn.init.zeros_(self.convs[4].bias)

    def forward(self, x):
        features = [x]
        for conv in self.convs[:4]:
            features.append(F.leaky_relu(conv(torch.cat(features, 1)), 0.01))
        return self.convs[4](torch.cat(features, 1))


class Block(nn.Module):
    """Affine coupling: y1 = x1 + φ(x2), y2 = x2·exp(clamp·2(σ(ρ(y1)) − ½)) + η(y1)."""

    def __init__(self, channels=12):
        super().__init__()
        self.c = channels
        self.rho, self.eta, self.phi = Dense(channels), Dense(channels), Dense(channels)

    def log_scale(self, s):
        return CLAMP * 2 * (torch.sigmoid(s) - 0.5)

    def forward(self, x):
        x1, x2 = x[:, :self.c], x[:, self.c:]
        y1 = x1 + self.phi(x2)
        return torch.cat([y1, torch.exp(self.log_scale(self.rho(y1))) * x2 + self.eta(y1)], 1)

    def reverse(self, y):
        y1, y2 = y[:, :self.c], y[:, self.c:]
        x2 = (y2 - self.eta(y1)) * torch.exp(-self.log_scale(self.rho(y1)))
        return torch.cat([y1 - self.phi(x2), x2], 1)


class Isn(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList(Block() for _ in range(BLOCKS))

    def hide(self, cover, secret):
        y = torch.cat([dwt(cover), dwt(secret)], 1)
        for block in self.blocks:
            y = block(y)
        return y[:, :12], iwt(y[:, :12])

    def reveal(self, stego, key):
        x = torch.cat([dwt(stego), dwt(key)], 1)
        for block in reversed(self.blocks):
            x = block.reverse(x)
        return iwt(x[:, 12:])


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.manual_seed(1)
    isn = Isn()
    adam = torch.optim.Adam(isn.parameters(), lr=1e-4, betas=(0.5, 0.999), eps=1e-6, weight_decay=1e-5)
    cover, secret, key, wrong = (torch.rand(PAIRS, 3, SIZE, SIZE) for _ in range(4))

    def step():
        adam.zero_grad()
        bands, stego = isn.hide(cover, secret)
        rounded = stego + ((stego.clamp(0, 1) * 255).round() / 255 - stego).detach()
        revealed = isn.reveal(rounded, key)
        low = F.mse_loss(bands[:, :3], dwt(cover)[:, :3])
        loss = 5 * F.mse_loss(revealed, secret) + F.mse_loss(stego, cover) + low
        wrong_mse = ((isn.reveal(rounded, wrong) - secret) ** 2).reshape(PAIRS, -1).mean(1)
        loss = loss + F.relu(0.05 - wrong_mse).mean()
        loss.backward()
        adam.step()

    for _ in range(3):
        step()   # warm-up
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(20):
            step()
        rates.append(20 / (time.perf_counter() - start))
    print(json.dumps({"isn_steps_per_s": statistics.median(rates), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
