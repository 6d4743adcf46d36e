#!/usr/bin/env python3
"""Loads a DeepPassport model.safetensors into the PyTorch twin of its architecture (strict names and shapes)
and measures its CIFAR-10 test accuracy, to show a checkpoint written by the C# engine means the same thing in
PyTorch. Needs Debian's python3-torch:

    /usr/bin/python3 tools/golden/check_checkpoint.py RUN/model.safetensors DATA_DIR
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cifar_models import AlexNetCifar, ResNet18Cifar  # noqa: E402

DTYPES = {"F32": np.float32, "I64": np.int64}
CIFAR_MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
CIFAR_STD = np.array([0.2023, 0.1994, 0.2010], dtype=np.float32)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        tensors[name] = torch.from_numpy(arr.copy())
    return tensors, meta


def cifar_test(data_dir):
    d = os.path.join(data_dir, "cifar-10-batches-bin") if os.path.isdir(os.path.join(data_dir, "cifar-10-batches-bin")) else data_dir
    raw = np.fromfile(os.path.join(d, "test_batch.bin"), dtype=np.uint8).reshape(-1, 3073)
    labels = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0
    x = (x - CIFAR_MEAN[None, :, None, None]) / CIFAR_STD[None, :, None, None]
    return torch.from_numpy(x), labels


def main():
    torch.set_num_threads(2)
    path, data_dir = sys.argv[1], sys.argv[2]
    state, meta = read_safetensors(path)
    classes = int(meta.get("num_classes", 10))
    model = AlexNetCifar(classes) if meta.get("arch", "alexnet") == "alexnet" else ResNet18Cifar(classes)
    model.load_state_dict(state, strict=True)
    model.eval()
    x, y = cifar_test(data_dir)
    correct = 0
    with torch.no_grad():
        for i in range(0, len(y), 500):
            correct += (model(x[i:i + 500]).argmax(1) == y[i:i + 500]).sum().item()
    print(json.dumps({"model": path, "arch": meta.get("arch"), "pytorch_test_accuracy": correct / len(y)}))


if __name__ == "__main__":
    main()
