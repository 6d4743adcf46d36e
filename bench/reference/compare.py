#!/usr/bin/python3
"""Side by side: `deeppassport bench` against bench_torch.py on the same machine, run alternately.

    /usr/bin/python3 bench/reference/compare.py [--rounds 3] [--inner-rounds 3] [--threads 2] [--models alexnet,resnet18]
        [--steps 10] [--batch-size 64] [--infer-batch-size 256] [--gemm-size 1024] [--no-build] [--save FILE]

Builds the CLI once (Release), then runs ours, PyTorch, ours, PyTorch ... for --rounds rounds; each run is one
process measuring the median of --inner-rounds repetitions. Alternating spreads a busy neighbour's load over both
sides rather than over one. Prints, for every figure, the median over the rounds for each side and ours/PyTorch.
The environment is passed on unchanged (OPENBLAS_CORETYPE and the like stay as the machine has them); without
OPENBLAS_CORETYPE a warning is printed, since OpenBLAS then chooses kernels by CPU model (see bench/README.md, session 13).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI_PROJECT = os.path.join(ROOT, "src", "DeepPassport.Cli", "DeepPassport.Cli.csproj")
CLI_DLL = os.path.join(ROOT, "src", "DeepPassport.Cli", "bin", "Release", "net10.0", "deeppassport.dll")
TORCH_SCRIPT = os.path.join(ROOT, "bench", "reference", "bench_torch.py")

# (label, how to read it from one run's JSON, True when higher is better)
MODEL_FIGURES = [
    ("train images/s", "train_images_per_s", True),
    ("train step ms", "train_step_ms_median", False),
    ("infer images/s", "infer_images_per_s", True),
    ("alloc bytes/step", "alloc_bytes_per_step", False),
    ("train peak working set MB", "train_peak_working_set_bytes", False),
    ("infer peak working set MB", "infer_peak_working_set_bytes", False),
]
GLOBAL_FIGURES = [
    ("gemm GFLOPS", "gemm_gflops", True),
    ("gemm GFLOPS 1 thread", "gemm_gflops_1thread", True),
    # ours only (PyTorch's twin has no such probe): the machine's register-only FMA rate, the GEMM's roof
    ("FMA peak GFLOPS", "fma_peak_gflops", True),
    ("FMA peak GFLOPS 1 thread", "fma_peak_gflops_1thread", True),
    ("peak working set MB", "peak_working_set_bytes", False),
]


def run_json(command):
    """Runs one benchmark process; its progress goes to our stderr, its stdout must be one JSON document."""
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"compare: '{' '.join(command)}' failed with exit code {done.returncode}")
    return json.loads(done.stdout)


def figures(result):
    """Flat {(model or '', key): value} of one run."""
    flat = {("", key): result.get(key) for _, key, _ in GLOBAL_FIGURES}
    for m in result["models"]:
        for _, key, _ in MODEL_FIGURES:
            flat[(m["model"], key)] = m.get(key)
    return flat


def median_of(runs, what):
    values = [figures(r)[what] for r in runs]
    values = [v for v in values if v is not None]  # PyTorch has no allocation figure
    return statistics.median(values) if values else None


def fmt(value, key):
    if value is None:
        return "n/a"
    if key.endswith("peak_working_set_bytes"):
        return f"{value / 1e6:.0f}"
    return f"{value:.0f}" if key == "alloc_bytes_per_step" else f"{value:.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="alternations: ours then PyTorch, this many times")
    ap.add_argument("--inner-rounds", type=int, default=3, help="--rounds of each benchmark process")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", default="alexnet,resnet18")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--infer-batch-size", type=int, default=256)
    ap.add_argument("--gemm-size", type=int, default=1024)
    ap.add_argument("--no-build", action="store_true", help="use the CLI already built in Release")
    ap.add_argument("--save", metavar="FILE", help="also write every run and the medians to FILE as JSON")
    args = ap.parse_args()
    if args.rounds < 1 or args.inner_rounds < 1:
        ap.error("--rounds and --inner-rounds must be at least 1")

    if "OPENBLAS_CORETYPE" not in os.environ:
        print("compare: warning: OPENBLAS_CORETYPE is not set; OpenBLAS chooses its kernels by CPU model and may fall back to "
              "SSE3 ('Prescott', see the PyTorch line below). The reference machines set OPENBLAS_CORETYPE=Haswell.", file=sys.stderr)
    if not args.no_build:
        subprocess.run(["dotnet", "build", CLI_PROJECT, "-c", "Release", "-nologo", "-v", "q"], cwd=ROOT, check=True)
    shared = ["--models", args.models, "--rounds", str(args.inner_rounds), "--steps", str(args.steps),
              "--batch-size", str(args.batch_size), "--infer-batch-size", str(args.infer_batch_size),
              "--gemm-size", str(args.gemm_size), "--threads", str(args.threads), "--json"]
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(run_json(["dotnet", CLI_DLL, "bench"] + shared))
        theirs.append(run_json([sys.executable, TORCH_SCRIPT] + shared))

    rows = [((m, key), f"{m} {label}", higher) for m in args.models.split(",") for label, key, higher in MODEL_FIGURES]
    rows += [(("", key), label, higher) for label, key, higher in GLOBAL_FIGURES]
    print(f"ours:    GEMM kernel {ours[0]['gemm_kernel']}, threads {ours[0]['threads']}")
    print(f"PyTorch: {theirs[0]['gemm_kernel']}, threads {theirs[0]['threads']}")
    print(f"medians of {args.rounds} alternated runs, each the median of {args.inner_rounds} repetitions of {args.steps} steps; "
          f"train batch {args.batch_size}, infer batch {args.infer_batch_size}, gemm {args.gemm_size}^3\n")
    print(f"{'figure':<28} {'ours':>12} {'PyTorch':>12} {'ours/PyTorch':>13}  better")
    medians = {}
    for what, label, higher in rows:
        a, b = median_of(ours, what), median_of(theirs, what)
        ratio = a / b if a is not None and b else None
        medians[label] = {"ours": a, "pytorch": b, "ratio": ratio}
        key = what[1]
        print(f"{label:<28} {fmt(a, key):>12} {fmt(b, key):>12} {'n/a' if ratio is None else f'{ratio:.2f}':>13}  "
              f"{'higher' if higher else 'lower'}")
    gemm, peak = median_of(ours, ("", "gemm_gflops")), median_of(ours, ("", "fma_peak_gflops"))
    if gemm and peak:
        print(f"\nthis machine's FMA peak on {args.threads} threads: {peak:.1f} GFLOPS; "
              f"our GEMM reaches {gemm / peak:.0%} of it, PyTorch's {median_of(theirs, ('', 'gemm_gflops')) / peak:.0%}")
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"args": vars(args), "ours": ours, "pytorch": theirs, "medians": medians}, f, indent=1)


if __name__ == "__main__":
    main()
