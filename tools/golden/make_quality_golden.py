#!/usr/bin/python3
"""Reference SSIM and PSNR values for tests/DeepPassport.Engine.Tests/Imaging/ImageQualityTests.cs.

Run from the repository root with Debian's python3-torch (the pyenv python3 has no torch):

    /usr/bin/python3 tools/golden/make_quality_golden.py [DATA]

DATA is the shared data folder (default $DEEPPASSPORT_DATA); without it only the synthetic pairs are printed.

SSIM is the original definition of Wang et al. (2004) as piqa computes it: per channel, an 11x11 Gaussian window
(sigma 1.5, normalised to sum 1), "valid" convolution (no padding), C1 = 0.01^2, C2 = 0.03^2, the SSIM map
averaged over all valid positions and channels. PSNR = 10 log10(1 / MSE) on values in [0, 1].
Everything is computed in float64; the float32 SSIM is printed too, to show how far float32 drifts.

The synthetic images are uint8, 3 x 32 x 40 (CHW), made from integer formulas that the C# test repeats exactly:
    base[c, y, x]  = (6x + 5y + 40c + (x*y mod 37)) mod 256
    noise(i, amp)  = floor((i * 1103515245 + 12345) / 65536) mod (2 amp + 1) - amp,   i = (c*H + y)*W + x
    noisy          = clamp(base + noise(i, amp), 0, 255)   for amp = 20 and amp = 60
"""
import os
import sys

import torch
import torch.nn.functional as F

C, H, W = 3, 32, 40


def base_image():
    t = torch.zeros(C, H, W, dtype=torch.float64)
    for c in range(C):
        for y in range(H):
            for x in range(W):
                t[c, y, x] = (6 * x + 5 * y + 40 * c + (x * y) % 37) % 256
    return t


def noisy(base, amp):
    t = base.clone()
    for c in range(C):
        for y in range(H):
            for x in range(W):
                i = (c * H + y) * W + x
                n = ((i * 1103515245 + 12345) // 65536) % (2 * amp + 1) - amp
                t[c, y, x] = min(255, max(0, base[c, y, x].item() + n))
    return t


def gaussian_window(size=11, sigma=1.5, dtype=torch.float64):
    x = torch.arange(size, dtype=dtype) - (size - 1) / 2
    g = torch.exp(-x * x / (2 * sigma * sigma))
    g = g / g.sum()
    return torch.outer(g, g)


def ssim(a, b, dtype=torch.float64):
    """a, b: C x H x W in [0, 1]."""
    a = a.to(dtype).unsqueeze(0)
    b = b.to(dtype).unsqueeze(0)
    c = a.shape[1]
    w = gaussian_window(dtype=dtype).expand(c, 1, 11, 11).contiguous()

    def filt(t):
        return F.conv2d(t, w, groups=c)  # valid: no padding

    mu_a, mu_b = filt(a), filt(b)
    s_aa = filt(a * a) - mu_a * mu_a
    s_bb = filt(b * b) - mu_b * mu_b
    s_ab = filt(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    m = ((2 * mu_a * mu_b + c1) * (2 * s_ab + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (s_aa + s_bb + c2))
    return m.mean().item()


def psnr(a, b):
    mse = ((a.clamp(0, 1) - b.clamp(0, 1)) ** 2).mean().item()
    return float("inf") if mse == 0 else 10 * torch.log10(torch.tensor(1 / mse, dtype=torch.float64)).item()


def report(name, a, b):
    print(f"{name}: ssim {ssim(a, b):.12f}  ssim(float32) {ssim(a, b, torch.float32):.12f}  psnr {psnr(a, b):.12f}")


def load_chw(path):
    from PIL import Image  # only needed for the real photos
    import numpy as np
    img = Image.open(path)
    arr = np.asarray(img, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[None, :, :]
    else:
        arr = arr.transpose(2, 0, 1)
    return torch.from_numpy(arr.copy()) / 255


def main():
    base = base_image()
    report("synthetic amp 20", base / 255, noisy(base, 20) / 255)
    report("synthetic amp 60", base / 255, noisy(base, 60) / 255)

    data = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DEEPPASSPORT_DATA")
    if not data:
        print("(no DATA folder given: real photos skipped)")
        return
    folder = os.path.join(data, "passports", "public_domain")
    astronaut = load_chw(os.path.join(folder, "skimage_astronaut.png"))
    ihc = load_chw(os.path.join(folder, "skimage_ihc.png"))
    camera = load_chw(os.path.join(folder, "skimage_camera.png"))
    report("astronaut vs ihc (RGB 512x512)", astronaut, ihc)
    report("camera vs camera mirrored (gray 512x512)", camera, torch.flip(camera, [-1]))


if __name__ == "__main__":
    main()
