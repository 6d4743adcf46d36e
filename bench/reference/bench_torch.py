#!/usr/bin/python3
"""PyTorch reference for `deeppassport bench`: the same models, settings and figures, the same JSON with --json.

    /usr/bin/python3 bench/reference/bench_torch.py [--models alexnet,resnet18] [--rounds 5] [--steps 10]
        [--batch-size 64] [--infer-batch-size 256] [--gemm-size 1024] [--threads 2] [--json]

Every figure is the median of --rounds timed repetitions of --steps steps (or batches), after one untimed
repetition, as in src/DeepPassport/Benchmarks/SpeedBench.cs. alloc_bytes_per_step is null: PyTorch's CPU allocator
has no cheap running total comparable to .NET's GC.GetTotalAllocatedBytes.
"""
import argparse
import ctypes
import gc
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "golden"))
from cifar_models import MODELS  # noqa: E402  (the models of the golden tests, tools/golden/cifar_models.py)


def repeat_ms(times, work):
    """Milliseconds taken by `times` calls of work()."""
    start = time.perf_counter()
    for _ in range(times):
        work()
    return (time.perf_counter() - start) * 1000.0


WARM_UP_SECONDS = 3  # as SpeedBench.WarmUpSeconds


def median_per_step_ms(args, work):
    """Untimed repetitions for at least WARM_UP_SECONDS (allocator and oneDNN caches warm up; the same rule as
    `deeppassport bench`, whose JIT needs it), then the median ms per step over --rounds."""
    start = time.perf_counter()
    while True:
        repeat_ms(args.steps, work)
        if time.perf_counter() - start >= WARM_UP_SECONDS:
            break
    return statistics.median(repeat_ms(args.steps, work) / args.steps for _ in range(args.rounds))


def reset_peak_working_set():
    """Sets VmHWM back to the current resident set (Linux /proc/self/clear_refs); False where that is not possible."""
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_working_set():
    """VmHWM of /proc/self/status in bytes (unlike ru_maxrss it follows a reset)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def model_speed(name, args):
    torch.manual_seed(args.seed)
    model = MODELS[name](10)
    # Random normalised-looking input and random labels: data loading is not what is measured.
    x = torch.randn(args.batch_size, 3, 32, 32)
    labels = torch.randint(0, 10, (args.batch_size,))
    # The trainer's defaults (src/DeepPassport/Training/TrainOptions.cs).
    sgd = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def step():
        sgd.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        sgd.step()

    model.train()
    # The peak of training alone, as `deeppassport bench` measures it: reset the process's peak, train, read it.
    reset = reset_peak_working_set()
    step_ms = median_per_step_ms(args, step)
    train_peak = peak_working_set() if reset else None

    # The peak of inference alone, as `deeppassport bench` measures it (it lets its pool of training buffers go first).
    model.eval()
    xi = torch.randn(args.infer_batch_size, 3, 32, 32)
    reset = reset_peak_working_set()
    with torch.no_grad():
        infer_ms = median_per_step_ms(args, lambda: model(xi))
    infer_peak = peak_working_set() if reset else None
    return {
        "model": name,
        "train_images_per_s": args.batch_size / (step_ms / 1000.0),
        "infer_images_per_s": args.infer_batch_size / (infer_ms / 1000.0),
        "alloc_bytes_per_step": None,
        "train_step_ms_median": step_ms,
        "train_peak_working_set_bytes": train_peak,
        "infer_peak_working_set_bytes": infer_peak,
    }


def openblas():
    """The OpenBLAS mapped into this process (ctypes), or None. torch.set_num_threads does not reach OpenBLAS's own
    thread pool: without this, the "1 thread" GEMM ran on every core (167.8 GFLOPS against a one-core FMA peak of 117)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.split()[-1]}
        for path in sorted(paths):
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_set_num_threads"):
                return lib
    except OSError:
        pass
    return None


def gemm_gflops(size, rounds, threads):
    """GFLOPS of torch.mm at m = n = k = size into a preallocated output (as ours writes into one), median of rounds,
    on `threads` threads (ATen's and OpenBLAS's)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    blas = openblas()
    blas_previous = blas.openblas_get_num_threads() if blas else None
    if blas:
        blas.openblas_set_num_threads(threads)
    try:
        a, b = torch.randn(size, size), torch.randn(size, size)
        c = torch.empty(size, size)
        call = lambda: torch.mm(a, b, out=c)  # noqa: E731
        call()
        seconds = statistics.median(repeat_ms(1, call) / 1000.0 for _ in range(rounds))
        return 2.0 * size ** 3 / seconds / 1e9
    finally:
        torch.set_num_threads(previous)
        if blas:
            blas.openblas_set_num_threads(blas_previous)


def gemm_kernel():
    """torch version, the CPU capability ATen dispatches to and the BLAS library actually mapped into this process.

    torch.mm runs on whatever libblas.so.3 the system's alternatives point to (Debian's torch is built with
    BLAS_INFO=generic): blas/libblas.so.3 is the netlib reference BLAS, openblas-pthread/libblas.so.3 is OpenBLAS.
    Its folder is kept in the name because the two files are otherwise named alike. Convolutions go through oneDNN.
    """
    config = torch.__config__.show()
    capability = next((line.split(":", 1)[1].strip() for line in config.splitlines() if "CPU capability usage" in line), "?")
    blas = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower():
                    real = os.path.realpath(path)
                    blas.add(os.path.join(os.path.basename(os.path.dirname(real)), os.path.basename(real)))
    except OSError:  # not Linux
        pass
    # OpenBLAS picks its kernels by CPU model, and 0.3.21 does not know every CPU: without OPENBLAS_CORETYPE it fell
    # back to "Prescott" (SSE3) on this Xeon, 24 GFLOPS for 1024^3 on 2 threads against 98 with Haswell's kernels.
    lib = openblas()
    core = ""
    if lib is not None and hasattr(lib, "openblas_get_corename"):
        lib.openblas_get_corename.restype = ctypes.c_char_p
        core = f" (core {lib.openblas_get_corename().decode()})"
    return f"torch {torch.__version__}, {capability}, {'+'.join(sorted(blas)) or 'BLAS unknown'}{core}"


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got '{text}'")
    return value


def model_list(text):
    names = [n.strip() for n in text.split(",")]
    if any(n not in MODELS for n in names) or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"takes a comma-separated list of {', '.join(MODELS)}, each once, got '{text}'")
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=model_list, default=list(MODELS))
    ap.add_argument("--rounds", type=positive, default=5)
    ap.add_argument("--steps", type=positive, default=10)
    ap.add_argument("--batch-size", type=positive, default=64)
    ap.add_argument("--infer-batch-size", type=positive, default=256)
    ap.add_argument("--gemm-size", type=positive, default=1024)
    ap.add_argument("--threads", type=positive, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()  # bad options exit with code 2, as `deeppassport bench` does

    torch.set_num_threads(args.threads)
    speeds = []
    for name in args.models:
        print(f"bench_torch: {name}: train batch {args.batch_size}, infer batch {args.infer_batch_size}, "
              f"{args.rounds} rounds x {args.steps} steps", file=sys.stderr)
        speeds.append(model_speed(name, args))
    print(f"bench_torch: gemm {args.gemm_size}^3", file=sys.stderr)
    result = {
        "models": speeds,
        "gemm_gflops": gemm_gflops(args.gemm_size, args.rounds, args.threads),
        "gemm_gflops_1thread": gemm_gflops(args.gemm_size, args.rounds, 1),
        # ru_maxrss is the peak resident set in KiB on Linux: the same quantity as .NET's PeakWorkingSet64 (VmHWM).
        "peak_working_set_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "threads": torch.get_num_threads(),
        "gemm_kernel": gemm_kernel(),
    }
    if args.json:
        print(json.dumps(result))
        return
    t = result["threads"]
    print(f"bench_torch: {t} thread{'s' if t != 1 else ''}, {result['gemm_kernel']}, "
          f"median of {args.rounds} rounds x {args.steps} steps")
    print(f"{'model':<10} {'train img/s':>12} {'step ms':>9} {'infer img/s':>12}")
    for m in speeds:
        print(f"{m['model']:<10} {m['train_images_per_s']:>12.1f} {m['train_step_ms_median']:>9.1f} {m['infer_images_per_s']:>12.1f}")
    print(f"GEMM {args.gemm_size}^3: {result['gemm_gflops']:.1f} GFLOPS ({t} threads), "
          f"{result['gemm_gflops_1thread']:.1f} GFLOPS (1 thread)")
    print(f"peak working set: {result['peak_working_set_bytes'] / 1e6:.0f} MB")
    print(f"(train batch {args.batch_size}, infer batch {args.infer_batch_size})")


if __name__ == "__main__":
    main()
