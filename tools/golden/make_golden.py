#!/usr/bin/python3
"""Generate PyTorch golden fixtures (safetensors) for the DeepPassport engine tests.

Run from the repository root:

    /usr/bin/python3 tools/golden/make_golden.py            # all committed fixtures
    /usr/bin/python3 tools/golden/make_golden.py --full      # + full-width ResNet-18 (large, git-ignored)
    /usr/bin/python3 tools/golden/make_golden.py --only conv2d   # only fixtures whose name contains "conv2d"

Needs PyTorch (Debian's python3-torch).  Uses the `safetensors` package when importable, otherwise a
small built-in writer of the same format.  Everything is float32 (labels / counters int64), with a fixed
seed per fixture (derived from the fixture name, so adding a fixture never changes the others).

Conventions (see INDEX.md next to the fixtures):
  inputs   x, y (second operand), weight, bias, running_mean, running_var, labels (I64)
  output   out
  upstream grad_out (randn, same shape as out; 1.0 with shape [] for scalar losses)
  grads    grad_<input> = d(sum(out * grad_out)) / d(<input>)
  params   in "__metadata__" as strings
"""
import argparse
import json
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT_DIR = os.path.join(ROOT, "tests", "DeepPassport.Engine.Tests", "Golden", "fixtures")

# name -> description, filled as fixtures are written; used for INDEX.md
INDEX = []

# ---------------------------------------------------------------------------------------------
# safetensors writer
# ---------------------------------------------------------------------------------------------
_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def _write_safetensors_builtin(tensors, metadata, path):
    names = sorted(tensors)
    header = {}
    blobs = []
    offset = 0
    for n in names:
        t = tensors[n]
        data = t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[n] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                     "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


try:
    from safetensors.torch import save_file as _st_save  # type: ignore
except Exception:  # pragma: no cover - depends on the machine
    _st_save = None


ONLY = None  # --only: write only the fixtures whose name contains this


def save(name, tensors, metadata=None, desc=""):
    if ONLY is not None and ONLY not in name:
        return
    clean = {}
    for k, v in tensors.items():
        v = v.detach().cpu()
        if v.dtype.is_floating_point:
            v = v.to(torch.float32)
        elif v.dtype != torch.int64:
            v = v.to(torch.int64)
        clean[k] = v.contiguous().clone()
    meta = {str(k): str(v) for k, v in (metadata or {}).items()}
    path = os.path.join(OUT_DIR, name + ".safetensors")
    if _st_save is not None:
        _st_save(clean, path, metadata=meta or None)
    else:
        _write_safetensors_builtin(clean, meta, path)
    INDEX.append((name, desc, meta, {k: (_DTYPES[v.dtype], list(v.shape)) for k, v in sorted(clean.items())}))
    print(f"  {name}.safetensors  {os.path.getsize(path):>10,d} B")


def seed_for(name):
    torch.manual_seed(zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF)


# ---------------------------------------------------------------------------------------------
# input helpers
# ---------------------------------------------------------------------------------------------
def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def away(x, points, margin=0.05):
    """Push values that are within `margin` of any of `points` out to at least `margin` away."""
    x = x.clone()
    for p in points:
        d = x - p
        near = d.abs() < margin
        s = torch.where(d >= 0, torch.ones_like(d), -torch.ones_like(d))
        x = torch.where(near, p + s * (d.abs() + margin), x)
    return x


def positive(*shape, lo=0.5, hi=2.0):
    return torch.rand(*shape) * (hi - lo) + lo


def nonzero(*shape, lo=0.5, hi=1.5):
    s = torch.where(torch.rand(*shape) < 0.5, -1.0, 1.0)
    return s * positive(*shape, lo=lo, hi=hi)


# ---------------------------------------------------------------------------------------------
# generic op fixture
# ---------------------------------------------------------------------------------------------
def op_fixture(name, fn, inputs, extra=None, meta=None, desc="", diff=None, scalar_loss=False, do_save=True):
    """inputs: dict name -> tensor. `diff`: names that get grads (default: all float inputs).
    extra: non-differentiable tensors stored as-is (e.g. labels). fn(**inputs, **extra) -> out."""
    extra = extra or {}
    if diff is None:
        diff = [k for k, v in inputs.items() if v.dtype.is_floating_point]
    leaves = {}
    for k, v in inputs.items():
        t = v.detach().clone()
        if k in diff:
            t.requires_grad_(True)
        leaves[k] = t
    stored_inputs = {k: v.detach().clone() for k, v in inputs.items()}
    out = fn(**leaves, **{k: v for k, v in extra.items()})
    if scalar_loss:
        grad_out = torch.ones((), dtype=torch.float32).reshape(out.shape)
    else:
        grad_out = randn(*out.shape) if out.dim() > 0 else randn(1).reshape(())
    diff_leaves = [leaves[k] for k in diff]
    grads = torch.autograd.grad((out * grad_out).sum(), diff_leaves, allow_unused=True)
    tensors = dict(stored_inputs)
    tensors.update(extra)
    tensors["out"] = out
    tensors["grad_out"] = grad_out
    for k, g in zip(diff, grads):
        tensors["grad_" + k] = g if g is not None else torch.zeros_like(leaves[k])
    if do_save:
        save(name, tensors, meta, desc)
    return tensors


# ---------------------------------------------------------------------------------------------
# op fixtures
# ---------------------------------------------------------------------------------------------
def gen_elementwise():
    binops = {
        "add": lambda x, y: x + y,
        "sub": lambda x, y: x - y,
        "mul": lambda x, y: x * y,
        "div": lambda x, y: x / y,
    }
    variants = [("", [2, 3, 4, 5], [2, 3, 4, 5]),
                ("_bcast_channel", [2, 3, 4, 5], [1, 3, 1, 1]),
                ("_bcast_last", [2, 3, 4, 5], [5])]
    for opname, fn in binops.items():
        for suffix, xs, ys in variants:
            name = opname + suffix
            seed_for(name)
            x = randn(*xs)
            y = nonzero(*ys) if opname == "div" else randn(*ys)
            op_fixture(name, fn, {"x": x, "y": y},
                       meta={"op": opname, "x_shape": ",".join(map(str, xs)), "y_shape": ",".join(map(str, ys))},
                       desc=f"out = x {dict(add='+', sub='-', mul='*', div='/')[opname]} y, x{xs} y{ys}"
                            + (" (broadcast; grad_y reduced to y's shape)" if suffix else ""))

    seed_for("neg")
    op_fixture("neg", lambda x: -x, {"x": randn(2, 3, 4)}, desc="out = -x")
    seed_for("add_scalar")
    op_fixture("add_scalar", lambda x: x + 2.5, {"x": randn(2, 3, 4)}, meta={"scalar": "2.5"},
               desc="out = x + scalar (2.5)")
    seed_for("mul_scalar")
    op_fixture("mul_scalar", lambda x: x * -1.5, {"x": randn(2, 3, 4)}, meta={"scalar": "-1.5"},
               desc="out = x * scalar (-1.5)")
    seed_for("exp")
    op_fixture("exp", lambda x: torch.exp(x), {"x": randn(2, 3, 4)}, desc="out = exp(x)")
    seed_for("log")
    op_fixture("log", lambda x: torch.log(x), {"x": positive(2, 3, 4, lo=0.2, hi=3.0)}, desc="out = log(x), x in [0.2,3]")
    seed_for("sqrt")
    op_fixture("sqrt", lambda x: torch.sqrt(x), {"x": positive(2, 3, 4, lo=0.2, hi=3.0)}, desc="out = sqrt(x), x in [0.2,3]")
    seed_for("pow")
    op_fixture("pow", lambda x: torch.pow(x, 3.0), {"x": positive(2, 3, 4, lo=0.2, hi=2.0)},
               meta={"exponent": "3"}, desc="out = x^3, x in [0.2,2]")
    seed_for("abs")
    op_fixture("abs", lambda x: torch.abs(x), {"x": away(randn(2, 3, 4), [0.0])}, desc="out = |x|, |x| >= 0.05")
    seed_for("sign")
    op_fixture("sign", lambda x: torch.sign(x), {"x": away(randn(2, 3, 4), [0.0])},
               desc="out = sign(x), grad_x is all zeros")
    seed_for("clamp")
    op_fixture("clamp", lambda x: torch.clamp(x, -0.5, 0.5), {"x": away(randn(2, 3, 4), [-0.5, 0.5])},
               meta={"lo": "-0.5", "hi": "0.5"}, desc="out = clamp(x, lo, hi); x >= 0.05 away from bounds")
    seed_for("sigmoid")
    op_fixture("sigmoid", lambda x: torch.sigmoid(x), {"x": randn(2, 3, 4)}, desc="out = sigmoid(x)")
    seed_for("tanh")
    op_fixture("tanh", lambda x: torch.tanh(x), {"x": randn(2, 3, 4)}, desc="out = tanh(x)")
    seed_for("relu")
    op_fixture("relu", lambda x: torch.relu(x), {"x": away(randn(2, 3, 4), [0.0])}, desc="out = relu(x), |x| >= 0.05")
    seed_for("add_relu")
    y = randn(2, 4, 3, 3)
    op_fixture("add_relu", lambda x, y: torch.relu(x + y), {"x": away(randn(2, 4, 3, 3), [0.0]) - y, "y": y},
               desc="out = relu(x + y) (the fused end of a ResNet basic block), |x + y| >= 0.05")
    for slope, tag in [(0.01, "0p01"), (0.2, "0p2")]:
        name = "leaky_relu_" + tag
        seed_for(name)
        op_fixture(name, lambda x, s=slope: F.leaky_relu(x, s), {"x": away(randn(2, 3, 4), [0.0])},
                   meta={"slope": repr(slope)}, desc=f"out = leaky_relu(x, {slope})")


def gen_reductions():
    seed_for("sum_all")
    op_fixture("sum_all", lambda x: x.sum(), {"x": randn(2, 3, 4)}, desc="out = sum(x), shape []")
    seed_for("mean_all")
    op_fixture("mean_all", lambda x: x.mean(), {"x": randn(2, 3, 4)}, desc="out = mean(x), shape []")
    seed_for("sum_axis")
    op_fixture("sum_axis", lambda x: x.sum(dim=1), {"x": randn(2, 3, 4)},
               meta={"axis": "1", "keepdim": "false"}, desc="out = x.sum(dim=1), [2,3,4] -> [2,4]")
    seed_for("mean_axis")
    op_fixture("mean_axis", lambda x: x.mean(dim=2, keepdim=True), {"x": randn(2, 3, 4)},
               meta={"axis": "2", "keepdim": "true"}, desc="out = x.mean(dim=2, keepdim=True), [2,3,4] -> [2,3,1]")
    seed_for("max_all")
    op_fixture("max_all", lambda x: x.max(), {"x": randn(2, 3, 4)},
               desc="out = max(x), shape []; grad goes to the (unique) argmax")
    seed_for("max_axis")
    x = randn(2, 3, 4)
    t = op_fixture("max_axis", lambda x, indices: x.max(dim=1).values, {"x": x},
                   extra={"indices": x.max(dim=1).indices},
                   meta={"axis": "1", "keepdim": "false"},
                   desc="out = x.max(dim=1).values, [2,3,4] -> [2,4]; `indices` I64 argmax")


def gen_linear():
    seed_for("matmul")
    op_fixture("matmul", lambda x, y: torch.matmul(x, y), {"x": randn(5, 7), "y": randn(7, 3)}, desc="out = x @ y, [5,7]x[7,3]")
    seed_for("linear")
    op_fixture("linear", lambda x, weight, bias: F.linear(x, weight, bias), {"x": randn(4, 6), "weight": randn(3, 6), "bias": randn(3)},
               meta={"bias": "true"}, desc="out = x @ weight^T + bias; x[4,6] weight[3,6] bias[3]")
    seed_for("linear_nobias")
    op_fixture("linear_nobias", lambda x, weight: F.linear(x, weight), {"x": randn(4, 6), "weight": randn(3, 6)},
               meta={"bias": "false"}, desc="out = x @ weight^T; x[4,6] weight[3,6]")


def gen_conv():
    cases = [
        # name, N, Cin, H, W, Cout, k, s, p, bias
        ("conv2d_k3s1p1_bias", 2, 3, 9, 9, 4, 3, 1, 1, True),
        ("conv2d_k5s1p2", 2, 3, 9, 9, 4, 5, 1, 2, False),
        ("conv2d_k3s2p1", 2, 3, 9, 9, 4, 3, 2, 1, True),
        ("conv2d_k1s1p0", 2, 3, 9, 9, 4, 1, 1, 0, False),
        ("conv2d_k1s2p0", 2, 3, 9, 9, 4, 1, 2, 0, False),
        ("conv2d_k3s2p0_odd", 2, 3, 7, 7, 4, 3, 2, 0, True),
        # same-size stride 1, >= 16 channels: the engine's Winograd paths, F(2x2, 3x3) (a side of 10),
        # F(4x4, 3x3) (sides multiples of 4), F(2x2, 5x5) (a side of 6) and F(4x4, 5x5)
        ("conv2d_k3s1p1_winograd", 3, 16, 8, 10, 20, 3, 1, 1, True),
        ("conv2d_k3s1p1_f4x3", 2, 16, 8, 12, 20, 3, 1, 1, True),
        ("conv2d_k5s1p2_winograd", 2, 16, 8, 6, 20, 5, 1, 2, True),
        ("conv2d_k5s1p2_f4x5", 2, 16, 8, 12, 20, 5, 1, 2, True),  # sides multiples of 4: F(4x4, 5x5)
        # stride 2, same padding, even sides: the engine's halving im2col (phase planes; rows of 9 = 8 + a scalar one)
        ("conv2d_k3s2p1_halving", 2, 5, 16, 18, 4, 3, 2, 1, True),
        ("conv2d_k1s2p0_halving", 2, 5, 16, 18, 4, 1, 2, 0, False),
        ("conv2d_k5s2p2_halving", 2, 3, 8, 20, 4, 5, 2, 2, False),
    ]
    for name, n, cin, h, w, cout, k, s, p, bias in cases:
        seed_for(name)
        inputs = {"x": randn(n, cin, h, w), "weight": randn(cout, cin, k, k) * 0.3}
        if bias:
            inputs["bias"] = randn(cout)
            fn = lambda x, weight, bias, s=s, p=p: F.conv2d(x, weight, bias, stride=s, padding=p)
        else:
            fn = lambda x, weight, s=s, p=p: F.conv2d(x, weight, None, stride=s, padding=p)
        t = op_fixture(name, fn, inputs,
                       meta={"kernel": k, "stride": s, "padding": p, "dilation": 1, "groups": 1,
                             "bias": "true" if bias else "false"},
                       desc=f"conv2d x[{n},{cin},{h},{w}] weight[{cout},{cin},{k},{k}] stride {s} pad {p}"
                            + (" + bias" if bias else " no bias"))


def gen_pool():
    seed_for("max_pool2d_k2s2")
    op_fixture("max_pool2d_k2s2", lambda x: F.max_pool2d(x, 2, 2), {"x": randn(2, 3, 8, 8)},
               meta={"kernel": 2, "stride": 2, "padding": 0, "ceil_mode": "false"},
               desc="max_pool2d k2 s2 on [2,3,8,8] -> [2,3,4,4]")
    seed_for("max_pool2d_k3s2p1")
    op_fixture("max_pool2d_k3s2p1", lambda x: F.max_pool2d(x, 3, 2, 1), {"x": randn(2, 3, 8, 8)},
               meta={"kernel": 3, "stride": 2, "padding": 1, "ceil_mode": "false"},
               desc="max_pool2d k3 s2 p1 (padding = -inf) on [2,3,8,8] -> [2,3,4,4]; overlapping windows")
    seed_for("avg_pool2d_k2s2")
    op_fixture("avg_pool2d_k2s2", lambda x: F.avg_pool2d(x, 2, 2), {"x": randn(2, 3, 8, 8)},
               meta={"kernel": 2, "stride": 2, "padding": 0, "count_include_pad": "true", "ceil_mode": "false"},
               desc="avg_pool2d k2 s2 on [2,3,8,8] -> [2,3,4,4]")
    seed_for("avg_pool2d_k3s2p1")
    op_fixture("avg_pool2d_k3s2p1", lambda x: F.avg_pool2d(x, 3, 2, 1), {"x": randn(2, 3, 8, 8)},
               meta={"kernel": 3, "stride": 2, "padding": 1, "count_include_pad": "true", "ceil_mode": "false"},
               desc="avg_pool2d k3 s2 p1, count_include_pad=True (divide by 9 always), [2,3,8,8] -> [2,3,4,4]")
    seed_for("adaptive_avg_pool2d_1x1")
    op_fixture("adaptive_avg_pool2d_1x1", lambda x: F.adaptive_avg_pool2d(x, 1), {"x": randn(2, 3, 5, 5)},
               meta={"output_size": "1,1"}, desc="adaptive_avg_pool2d to 1x1, [2,3,5,5] -> [2,3,1,1]")


def gen_norm():
    eps, mom = 1e-5, 0.1
    for name, affine, training, relu in [("batch_norm2d_train_affine", True, True, False),
                                         ("batch_norm2d_train_noaffine", False, True, False),
                                         ("batch_norm2d_eval", True, False, False),
                                         ("batch_norm2d_relu_train", True, True, True),
                                         ("batch_norm2d_relu_eval", True, False, True)]:
        seed_for(name)
        C = 3
        x = randn(4, C, 4, 4) * 1.5 + 0.3
        rm0 = randn(C) * 0.2
        rv0 = positive(C, lo=0.5, hi=1.5)
        inputs = {"x": x}
        if affine:
            inputs["weight"] = positive(C, lo=0.5, hi=1.5)
            inputs["bias"] = randn(C) * 0.5
        rm, rv = rm0.clone(), rv0.clone()

        def fn(x, weight=None, bias=None, rm=rm, rv=rv, training=training, relu=relu):
            y = F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=mom, eps=eps)
            return torch.relu(y) if relu else y

        t = op_fixture(name, fn, inputs, do_save=False)
        t = dict(t)
        t["running_mean"] = rm0
        t["running_var"] = rv0
        if training:
            t["running_mean_after"] = rm
            t["running_var_after"] = rv
        save(name, t, {"eps": "1e-05", "momentum": "0.1", "training": "true" if training else "false",
                       "affine": "true" if affine else "false", "relu": "true" if relu else "false"},
             ("train mode: normalise with batch mean / biased batch var; running stats updated with momentum 0.1 "
              "and UNBIASED var -> running_mean_after / running_var_after" if training else
              "eval mode: normalise with the given running_mean / running_var")
             + ("; affine weight/bias" if affine else "; no affine")
             + ("; then relu (BatchNormRelu2d, batch norm and ReLU fused)" if relu else ""))

    for name, C, G, shape in [("group_norm_c8g2", 8, 2, [2, 8, 4, 4]), ("group_norm_c32g2", 32, 2, [2, 32, 3, 3])]:
        seed_for(name)
        op_fixture(name, lambda x, weight, bias, G=G: F.group_norm(x, G, weight, bias, eps=eps),
                   {"x": randn(*shape) * 1.5 + 0.3, "weight": positive(C, lo=0.5, hi=1.5), "bias": randn(C) * 0.5},
                   meta={"groups": G, "eps": "1e-05", "affine": "true"},
                   desc=f"group_norm, C={C}, {G} groups, affine, x{shape}")
    seed_for("instance_norm2d")
    op_fixture("instance_norm2d", lambda x: F.instance_norm(x, eps=eps), {"x": randn(2, 3, 5, 5) * 1.5 + 0.3},
               meta={"eps": "1e-05", "affine": "false", "track_running_stats": "false"},
               desc="instance_norm2d (PyTorch default: no affine, no running stats), x[2,3,5,5]")


def gen_softmax_losses():
    seed_for("softmax")
    op_fixture("softmax", lambda x: F.softmax(x, dim=1), {"x": randn(4, 10) * 2}, meta={"axis": "1"},
               desc="softmax over axis 1, x[4,10]")
    seed_for("log_softmax")
    op_fixture("log_softmax", lambda x: F.log_softmax(x, dim=1), {"x": randn(4, 10) * 2}, meta={"axis": "1"},
               desc="log_softmax over axis 1, x[4,10]")
    seed_for("cross_entropy")
    labels = torch.randint(0, 10, (6,), dtype=torch.int64)
    op_fixture("cross_entropy", lambda x, labels: F.cross_entropy(x, labels), {"x": randn(6, 10) * 2},
               extra={"labels": labels}, scalar_loss=True, meta={"reduction": "mean"},
               desc="out = cross_entropy(x logits [6,10], labels I64 [6]), mean; grad_out = 1.0 shape []")
    seed_for("mse_loss")
    op_fixture("mse_loss", lambda x, y: F.mse_loss(x, y), {"x": randn(4, 5), "y": randn(4, 5)},
               scalar_loss=True, meta={"reduction": "mean"},
               desc="out = mean((x - y)^2); y = target (grad_y also stored); grad_out = 1.0 shape []")
    seed_for("l1_loss")
    x = randn(4, 5)
    y = x - away(randn(4, 5), [0.0], 0.1)
    op_fixture("l1_loss", lambda x, y: F.l1_loss(x, y), {"x": x, "y": y}, scalar_loss=True,
               meta={"reduction": "mean"},
               desc="out = mean(|x - y|), |x-y| >= 0.1; grad_y also stored; grad_out = 1.0 shape []")
    seed_for("hinge")
    op_fixture("hinge", lambda x: F.relu(0.1 - x), {"x": away(randn(2, 3, 4) * 0.5, [0.1], 0.03)},
               meta={"margin": "0.1"}, desc="out = relu(margin - x), margin 0.1, elementwise (no reduction)")


def haar_dwt(x):
    """HiNet's DWT: a = x[2i,2j], b = x[2i+1,2j], c = x[2i,2j+1], d = x[2i+1,2j+1]; LL|HL|LH|HH on channels."""
    a, b = x[:, :, 0::2, 0::2], x[:, :, 1::2, 0::2]
    c, d = x[:, :, 0::2, 1::2], x[:, :, 1::2, 1::2]
    return torch.cat([(a + b + c + d) / 2, (-a - b + c + d) / 2, (-a + b - c + d) / 2, (a - b - c + d) / 2], 1)


def haar_iwt(x):
    n, c4, h, w = x.shape
    ll, hl, lh, hh = torch.split(x, c4 // 4, dim=1)
    out = torch.zeros(n, c4 // 4, 2 * h, 2 * w, dtype=x.dtype)
    out[:, :, 0::2, 0::2] = (ll - hl - lh + hh) / 2
    out[:, :, 1::2, 0::2] = (ll - hl + lh - hh) / 2
    out[:, :, 0::2, 1::2] = (ll + hl - lh - hh) / 2
    out[:, :, 1::2, 1::2] = (ll + hl + lh + hh) / 2
    return out


def gen_shape():
    seed_for("cat")
    op_fixture("cat", lambda x, y: torch.cat([x, y], dim=1), {"x": randn(2, 3, 4, 4), "y": randn(2, 5, 4, 4)},
               meta={"axis": "1"}, desc="out = cat([x[2,3,4,4], y[2,5,4,4]], axis 1) -> [2,8,4,4]")
    seed_for("flatten")
    op_fixture("flatten", lambda x: torch.flatten(x, 1), {"x": randn(2, 3, 4, 4)},
               meta={"start_dim": "1"}, desc="out = flatten(x, 1): [2,3,4,4] -> [2,48]")
    seed_for("reshape")
    op_fixture("reshape", lambda x: x.reshape(6, 4, 4), {"x": randn(2, 3, 4, 4)},
               meta={"shape": "6,4,4"}, desc="out = x.reshape(6,4,4) from [2,3,4,4]")
    seed_for("narrow")
    op_fixture("narrow", lambda x: x.narrow(1, 2, 3), {"x": randn(2, 6, 3, 3)},
               meta={"axis": "1", "start": "2", "count": "3"}, desc="out = x.narrow(1, 2, 3): channels 2..4 of [2,6,3,3]")
    seed_for("haar_dwt")
    op_fixture("haar_dwt", haar_dwt, {"x": randn(2, 3, 4, 6)},
               desc="Haar DWT (reference-spec 4.2.1): [2,3,4,6] -> [2,12,2,3], bands LL|HL|LH|HH")
    seed_for("haar_iwt")
    op_fixture("haar_iwt", haar_iwt, {"x": randn(2, 12, 2, 3)},
               desc="Haar IWT, the inverse of haar_dwt: [2,12,2,3] -> [2,3,4,6]")
    seed_for("channel_affine")
    op_fixture("channel_affine", lambda x, weight, bias: x * weight.view(1, -1, 1, 1) + bias.view(1, -1, 1, 1),
               {"x": randn(2, 3, 4, 4), "weight": randn(3), "bias": randn(3)},
               desc="out = x * weight.view(1,C,1,1) + bias.view(1,C,1,1), x[2,3,4,4], weight(=scale)[3], bias[3]")


# ---------------------------------------------------------------------------------------------
# optimizer / scheduler fixtures
# ---------------------------------------------------------------------------------------------
def run_opt(make_opt, p0, grads):
    p = nn.Parameter(p0.clone())
    opt = make_opt([p])
    res = []
    for g in grads:
        opt.zero_grad()
        p.grad = g.clone()
        opt.step()
        res.append(p.detach().clone())
    return res


def gen_optim():
    seed_for("sgd")
    p0 = randn(10)
    gs = [randn(10) for _ in range(3)]
    t = {"p0": p0, "g0": gs[0], "g1": gs[1], "g2": gs[2]}
    for i, r in enumerate(run_opt(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=5e-4), p0, gs)):
        t[f"sgd_step{i + 1}"] = r
    for i, r in enumerate(run_opt(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                                             weight_decay=0.0), p0, gs)):
        t[f"nesterov_step{i + 1}"] = r
    save("sgd", t, {"lr": "0.1", "momentum": "0.9", "dampening": "0", "sgd_weight_decay": "0.0005",
                    "sgd_nesterov": "false", "nesterov_weight_decay": "0", "nesterov_nesterov": "true"},
         "torch.optim.SGD on p [10], gradients g0,g1,g2 fed on steps 1..3 (grad independent of p). "
         "sgd_step{1,2,3}: lr 0.1, momentum 0.9, wd 5e-4; nesterov_step{1,2,3}: lr 0.1, momentum 0.9, nesterov, wd 0. "
         "First step: buf = g + wd*p (no dampening), p -= lr*buf")

    seed_for("adam")
    p0 = randn(10)
    gs = [randn(10) for _ in range(3)]
    t = {"p0": p0, "g0": gs[0], "g1": gs[1], "g2": gs[2]}
    for i, r in enumerate(run_opt(lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                                              weight_decay=0.0), p0, gs)):
        t[f"adam_step{i + 1}"] = r
    for i, r in enumerate(run_opt(lambda ps: torch.optim.Adam(ps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                                              weight_decay=1e-2), p0, gs)):
        t[f"adam_wd_step{i + 1}"] = r
    save("adam", t, {"lr": "0.001", "beta1": "0.9", "beta2": "0.999", "eps": "1e-08", "adam_weight_decay": "0",
                     "adam_wd_weight_decay": "0.01", "amsgrad": "false"},
         "torch.optim.Adam on p [10], gradients g0,g1,g2 on steps 1..3. adam_step{1,2,3}: wd 0; "
         "adam_wd_step{1,2,3}: wd 1e-2 added to the gradient (L2 style, g += wd*p), not AdamW. "
         "Bias-corrected; eps added to sqrt(v_hat)")

    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 6], gamma=0.1)
    lrs = []
    for epoch in range(10):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    save("multistep_lr", {"lrs": torch.tensor(lrs, dtype=torch.float32)},
         {"base_lr": "0.1", "milestones": "3,6", "gamma": "0.1", "lrs_f64": ",".join(repr(v) for v in lrs)},
         "lrs[e] = learning rate used during epoch e (0..9) of MultiStepLR(milestones [3,6], gamma 0.1), base 0.1, "
         "scheduler.step() after each epoch; exact float64 values in metadata lrs_f64")

    seed_for("clip_grad_norm")
    ga, gb = randn(5) * 1.5, randn(3, 2) * 1.5
    pa, pb = nn.Parameter(torch.zeros(5)), nn.Parameter(torch.zeros(3, 2))
    pa.grad, pb.grad = ga.clone(), gb.clone()
    total = torch.nn.utils.clip_grad_norm_([pa, pb], max_norm=1.0)
    save("clip_grad_norm", {"g_a": ga, "g_b": gb, "clipped_a": pa.grad, "clipped_b": pb.grad,
                            "total_norm": total.reshape(())},
         {"max_norm": "1.0", "norm_type": "2", "clip_eps": "1e-06"},
         "clip_grad_norm_([a,b], max_norm 1.0): total_norm = L2 norm over all grads (shape []), "
         "coef = max_norm/(total_norm+1e-6), grads scaled by coef iff coef < 1")


# ---------------------------------------------------------------------------------------------
# models (reference-spec 1.2-1.4, norm = bn)
# ---------------------------------------------------------------------------------------------
# The models live in cifar_models.py (shared with check_checkpoint.py and the speed reference in bench/reference).
from cifar_models import AlexNetCifar, ResNet18Cifar  # noqa: E402


def model_step(name, model, batch, with_sgd, meta, desc):
    seed_for(name + "/data")
    x = randn(batch, 3, 32, 32)
    labels = torch.randint(0, 10, (batch,), dtype=torch.int64)
    t = {"x": x, "labels": labels}
    for k, v in model.state_dict().items():
        t["param." + k] = v.detach().clone()
    model.train()
    model.zero_grad()
    out = model(x)
    loss = F.cross_entropy(out, labels)
    loss.backward()
    t["out"] = out.detach().clone()
    t["loss"] = loss.detach().clone().reshape(())
    for k, p in model.named_parameters():
        t["grad." + k] = p.grad.detach().clone()
    for k, b in model.named_buffers():
        t["after." + k] = b.detach().clone()
    model.eval()
    with torch.no_grad():
        t["out_eval"] = model(x).clone()
    if with_sgd:
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        opt.step()
        for k, p in model.named_parameters():
            t["sgd." + k] = p.detach().clone()
    save(name, t, meta, desc)


def gen_models(full=False, only=None):
    def want(n):
        return only is None or only in n

    if want("alexnet_cifar_step"):
        seed_for("alexnet_cifar_step")
        model_step("alexnet_cifar_step", AlexNetCifar(10), 4, True,
                   {"model": "AlexNetCifar", "num_classes": "10", "norm": "bn", "batch": "4",
                    "loss": "cross_entropy_mean", "sgd_lr": "0.01", "sgd_momentum": "0.9",
                    "sgd_weight_decay": "0.0005", "bn_eps": "1e-05", "bn_momentum": "0.1"},
                   "AlexNetCifar(num_classes 10, norm bn), one train step on x[4,3,32,32]: param.* (initial "
                   "state_dict), out (train-mode logits), loss, grad.*, after.* (buffers after the step), out_eval "
                   "(eval mode, updated running stats, pre-SGD weights), sgd.* (params after SGD lr 0.01 mom 0.9 "
                   "wd 5e-4)")
    for width, fname, batch in ([(16, "resnet18_cifar_w16_step", 2)] + ([(64, "resnet18_cifar_full_step", 2)]
                                                                        if full else [])):
        if not want(fname):
            continue
        seed_for(fname)
        model_step(fname, ResNet18Cifar(10, width), batch, False,
                   {"model": "ResNet18Cifar", "num_classes": "10", "norm": "bn", "width": str(width),
                    "channels": ",".join(str(width * m) for m in (1, 2, 4, 8)), "batch": str(batch),
                    "loss": "cross_entropy_mean", "bn_eps": "1e-05", "bn_momentum": "0.1",
                    "topology": "plain: convbn_2 and shortcut without ReLU, ReLU after the residual add"},
                   f"ResNet18Cifar(num_classes 10, norm bn, base width {width}: channels "
                   f"{width},{2 * width},{4 * width},{8 * width}), one train step on x[{batch},3,32,32]: param.*, "
                   "out, loss, grad.*, after.*, out_eval (no sgd.*)")


# ---------------------------------------------------------------------------------------------
def write_index():
    lines = ["# Golden fixtures (generated — do not edit)", "",
             "Generated by `tools/golden/make_golden.py` with PyTorch " + torch.__version__ +
             " (float32, CPU, fixed per-fixture seeds). Regenerate with",
             "`/usr/bin/python3 tools/golden/make_golden.py` from the repository root.", "",
             "## Conventions", "",
             "- Format: safetensors (8-byte LE header length, JSON header, raw little-endian data). "
             "All floats are `F32`; integer labels, indices and `num_batches_tracked` are `I64`.",
             "- Inputs: `x`, `y` (second operand / target), `weight`, `bias`, `running_mean`, `running_var`, "
             "`labels` (I64).",
             "- Output: `out`. Upstream gradient: `grad_out` (randn, same shape as `out`; for the scalar losses "
             "`cross_entropy`, `mse_loss`, `l1_loss` it is 1.0 with shape `[]`). Reductions to a scalar "
             "(`sum_all`, `mean_all`, `max_all`) have `out` and a random `grad_out` of shape `[]`.",
             "- Gradients: `grad_<input>` = d(sum(out * grad_out)) / d(input), same shape as the input "
             "(broadcast operands are reduced back to their own shape).",
             "- Op parameters are strings in `__metadata__` (kernel, stride, padding, eps, momentum, axis, ...).",
             "- Inputs avoid non-differentiable points (>= 0.05 away from 0 for abs/sign/relu/leaky_relu, from "
             "the clamp bounds, from the hinge margin; positive for log/sqrt/pow; |y| >= 0.5 for div).",
             "- Model fixtures: `param.<state_dict name>` (initial), `x`, `labels`, `out` (train-mode logits), "
             "`loss` (shape [], mean cross-entropy), `grad.<parameter name>`, `after.<buffer name>` (running "
             "stats and num_batches_tracked after the train forward), `out_eval` (eval mode, computed after the "
             "train forward with the updated running stats and the un-stepped weights), and for AlexNet "
             "`sgd.<parameter name>` (after one SGD step lr 0.01, momentum 0.9, weight decay 5e-4).",
             "- ResNet-18 is committed at base width 16 (channels 16/32/64/128; metadata `width`), same topology, "
             "module names and strides as the spec's width-64 model; a full-width ResNet-18 params+grads file is ~90 MB. "
             "`make_golden.py --full` writes `resnet18_cifar_full_step.safetensors` (width 64, batch 2, git-ignored).",
             "", "## Files", ""]
    for name, desc, meta, tensors in INDEX:
        lines.append(f"### `{name}.safetensors`")
        lines.append("")
        lines.append(desc)
        lines.append("")
        if meta:
            lines.append("Metadata: " + ", ".join(f"`{k}`=`{v}`" for k, v in meta.items()))
            lines.append("")
        if len(tensors) <= 24:
            lines.append("Tensors: " + ", ".join(f"`{k}` {dt}{s}" for k, (dt, s) in tensors.items()))
        else:
            groups = {}
            for k in tensors:
                pre = k.split(".")[0] + "." if "." in k else k
                groups[pre] = groups.get(pre, 0) + 1
            lines.append("Tensors: " + ", ".join(
                (f"`{g}*` ({n} entries)" if g.endswith(".") else f"`{g}` {tensors[g][0]}{tensors[g][1]}")
                for g, n in groups.items()))
            lines.append("")
            lines.append("State-dict entries (each also appears as `grad.<name>`/`sgd.<name>` if it is a parameter, "
                         "`after.<name>` if it is a buffer):")
            lines.append("")
            for k, (dt, s) in tensors.items():
                if k.startswith("param."):
                    lines.append(f"- `{k[len('param.'):]}` {dt}{s}")
        lines.append("")
    with open(os.path.join(OUT_DIR, "INDEX.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true",
                    help="also write the full-width ResNet-18 fixture (~90 MB, git-ignored)")
    ap.add_argument("--only", default=None, help="only fixtures whose name contains this (skips INDEX.md)")
    args = ap.parse_args()
    global ONLY
    ONLY = args.only
    os.makedirs(OUT_DIR, exist_ok=True)
    print("writer:", "safetensors package" if _st_save else "built-in", "| torch", torch.__version__)
    gens = [gen_elementwise, gen_reductions, gen_linear, gen_conv, gen_pool, gen_norm, gen_softmax_losses,
            gen_shape, gen_optim]
    for g in gens:  # each op fixture is made (they are quick) and written if --only allows it
        g()
    gen_models(args.full, args.only)
    if args.only is None:
        write_index()


if __name__ == "__main__":
    main()
