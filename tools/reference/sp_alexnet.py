"""An independent PyTorch run of Steganographic Passport on AlexNetCifar (reference-spec 4.5-4.6), written from the
spec, to check the C# trainer against: every conv is an SP layer, image passports from a randomly initialised plain
AlexNet left in train mode, sign loss alpha * sum relu(0.1 - b * s * gamma_t) + 1e-5 * sum (s * gamma_t)^2, the
optional balance loss, SGD 0.01 momentum 0.9 wd 5e-4, batch 64, random crop (pad 4) and flip.

    python3 tools/reference/sp_alexnet.py --data ../shared/data --epochs 1 [--sign-loss 0.1] [--balance 0.1]

Prints the loss terms every 20 batches and both branches' test accuracy and the signature detection per epoch.
"""
import argparse, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2023, 0.1994, 0.2010]).view(1, 3, 1, 1)
SPECS = [(3, 64, 5, 1, 2), (64, 192, 5, 1, 2), (192, 384, 3, 1, 1), (384, 256, 3, 1, 1), (256, 256, 3, 1, 1)]
POOL_AFTER = {0, 1, 4}


def read_records(path, n=None):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)[:n]
    x = torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)
    return (x - MEAN) / STD, torch.from_numpy(raw[:, 0].astype(np.int64))


class Tlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = max(1, c // 4)
        self.fc = nn.Sequential(nn.Linear(c, h, bias=False), nn.LeakyReLU(0.01), nn.Linear(h, c, bias=False))

    def forward(self, v):
        return self.fc(v.view(1, -1)).view(-1)


class SpLayer(nn.Module):
    def __init__(self, i, o, k, s, p, pb, pg, b):
        super().__init__()
        self.conv = nn.Conv2d(i, o, k, s, p, bias=False)
        nn.init.kaiming_normal_(self.conv.weight, mode="fan_out", nonlinearity="relu")
        self.bn0, self.bn1 = nn.BatchNorm2d(o, affine=False), nn.BatchNorm2d(o, affine=False)
        self.scale0, self.bias0 = nn.Parameter(torch.ones(o)), nn.Parameter(torch.zeros(o))
        self.scale1, self.bias1 = nn.Parameter(torch.ones(o)), nn.Parameter(torch.zeros(o))
        self.tlp = Tlp(o)
        self.register_buffer("pb", pb)
        self.register_buffer("pg", pg)
        self.register_buffer("b", b)

    def s(self):
        return self.conv(self.pg).mean(dim=(0, 2, 3))

    def sign_value(self):
        return self.s() * self.scale1

    def forward(self, x, ind):
        h = self.conv(x)
        if ind == 0:
            return F.relu(self.bn0(h) * self.scale0.view(1, -1, 1, 1) + self.bias0.view(1, -1, 1, 1))
        xt = self.bn1(h) * self.scale1.view(1, -1, 1, 1) + self.bias1.view(1, -1, 1, 1)
        gp, bp = self.tlp(self.s()), self.tlp(self.conv(self.pb).mean(dim=(0, 2, 3)))
        return F.relu(xt * gp.view(1, -1, 1, 1) + bp.view(1, -1, 1, 1))

    def balance(self):
        gp, bp = self.tlp(self.s()), self.tlp(self.conv(self.pb).mean(dim=(0, 2, 3)))
        return F.l1_loss(self.scale0, self.scale1 * gp) + F.l1_loss(self.bias0, self.bias1 * gp + bp)


def plain_inputs(images):
    """Each conv's input when the images run alone through a random plain AlexNet in train mode (spec 1.6)."""
    convs = [nn.Conv2d(i, o, k, s, p, bias=False) for i, o, k, s, p in SPECS]
    for c in convs:
        nn.init.kaiming_normal_(c.weight, mode="fan_out", nonlinearity="relu")
    out = [[] for _ in SPECS]
    with torch.no_grad():
        for img in images:
            x = img.unsqueeze(0)
            for li, (c, spec) in enumerate(zip(convs, SPECS)):
                out[li].append(x)
                x = F.relu(F.batch_norm(c(x), None, None, training=True))
                if li in POOL_AFTER:
                    x = F.max_pool2d(x, 2)
    return [torch.cat(o) for o in out]


class SpAlexNet(nn.Module):
    def __init__(self, pass_beta, pass_gamma, gen):
        super().__init__()
        pb, pg = plain_inputs(pass_beta), plain_inputs(pass_gamma)
        self.layers = nn.ModuleList(
            SpLayer(*spec, pb[li], pg[li], torch.randint(0, 2, (spec[1],), generator=gen).float() * 2 - 1)
            for li, spec in enumerate(SPECS))
        self.classifier = nn.Linear(4 * 4 * 256, 10)

    def forward(self, x, ind):
        for li, layer in enumerate(self.layers):
            x = layer(x, ind)
            if li in POOL_AFTER:
                x = F.max_pool2d(x, 2)
        return self.classifier(torch.flatten(x, 1))


def augment(x):
    n = x.shape[0]
    padded = F.pad(x, (4, 4, 4, 4))
    out = torch.empty_like(x)
    ox, oy = torch.randint(0, 9, (n,)), torch.randint(0, 9, (n,))
    flip = torch.rand(n) < 0.5
    for i in range(n):
        img = padded[i, :, oy[i]:oy[i] + 32, ox[i]:ox[i] + 32]
        out[i] = img.flip(2) if flip[i] else img
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--sign-loss", type=float, default=0.1)
    ap.add_argument("--balance", type=float, default=0.0)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--test", type=int, default=10000)
    ap.add_argument("--every", type=int, default=20, help="print the loss terms every this many batches")
    ap.add_argument("--batches", type=int, default=0, help="stop each epoch after this many batches (0: all)")
    ap.add_argument("--aligned-init", action="store_true",
                    help="start gamma_t at b * sign(s), so the sign loss starts (almost) satisfied: an experiment")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    cifar = os.path.join(a.data, "cifar-10-batches-bin")
    xtr, ytr = read_records(os.path.join(cifar, "data_batch_1.bin"))
    xte, yte = read_records(os.path.join(cifar, "test_batch.bin"), a.test)
    trig, _ = read_records(os.path.join(a.data, "golden", "trigger_centercrop32_libjpeg.bin"))
    model = SpAlexNet(trig[0:1], trig[1:2], gen)
    if a.aligned_init:
        with torch.no_grad():
            for l in model.layers:
                l.scale1.copy_(l.b * torch.sign(l.s()))
    for li, l in enumerate(model.layers):
        print(f"layer {li}: |P_gamma| mean {l.pg.abs().mean():.3f}  |s| mean {l.s().abs().mean():.3f}", flush=True)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, weight_decay=5e-4)
    for epoch in range(1, a.epochs + 1):
        model.train()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        t0 = time.time()
        for bi in range(xtr.shape[0] // 64 + (xtr.shape[0] % 64 > 0)):
            if a.batches and bi >= a.batches:
                break
            idx = perm[bi * 64:(bi + 1) * 64]
            x, y = augment(xtr[idx]), ytr[idx]
            ce0, ce1 = F.cross_entropy(model(x, 0), y), F.cross_entropy(model(x, 1), y)
            sign = sum(a.sign_loss * F.relu(0.1 - l.b * l.sign_value()).sum() + 1e-5 * (l.sign_value() ** 2).sum()
                       for l in model.layers)
            bal = sum(l.balance() for l in model.layers)
            loss = ce0 + ce1 + sign + a.balance * bal
            opt.zero_grad()
            loss.backward()
            opt.step()
            if bi % a.every == 0:
                print(f"epoch {epoch} batch {bi}: ce0 {ce0.item():.3f} ce1 {ce1.item():.3f} sign {sign.item():.3f} "
                      f"balance {bal.item():.3f} ({time.time() - t0:.0f} s)", flush=True)
        model.eval()
        with torch.no_grad():
            acc = [sum((model(xte[i:i + 500], ind).argmax(1) == yte[i:i + 500]).sum().item()
                       for i in range(0, xte.shape[0], 500)) / xte.shape[0] for ind in (0, 1)]
            det = np.mean([((l.sign_value() > 0).float() * 2 - 1 == l.b).float().mean().item() for l in model.layers])
        print(f"epoch {epoch}: deployment {acc[0] * 100:.2f} %  verification {acc[1] * 100:.2f} %  "
              f"signature {det * 100:.1f} %", flush=True)


if __name__ == "__main__":
    sys.exit(main())
