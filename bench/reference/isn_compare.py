#!/usr/bin/python3
"""Side by side: one ISN training step, ours (`DeepPassport.Bench isn`) against isn_torch.py, run alternately.

    /usr/bin/python3 bench/reference/isn_compare.py [--rounds 5] [--inner-rounds 3] [--threads 2] [--no-build]

Builds the benchmark project once (Release) unless --no-build, then runs ours, PyTorch, ours, PyTorch ... for
--rounds rounds (each process: the median of --inner-rounds repetitions of 20 steps). Prints the median steps/s of
each side and ours/PyTorch (higher is better). Ours is the engine's choice of convolution, as `isn train` runs, on
every core (the benchmark has no thread setting): --threads must equal the core count.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH_PROJECT = os.path.join(ROOT, "bench", "DeepPassport.Bench", "DeepPassport.Bench.csproj")
BENCH_DLL = os.path.join(ROOT, "bench", "DeepPassport.Bench", "bin", "Release", "net10.0", "DeepPassport.Bench.dll")
TORCH_SCRIPT = os.path.join(ROOT, "bench", "reference", "isn_torch.py")


def run(command):
    print("$ " + " ".join(command), file=sys.stderr, flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"isn_compare: '{' '.join(command)}' failed with exit code {done.returncode}")
    return done.stdout


def ours(inner, threads):
    out = run(["dotnet", BENCH_DLL, "isn", str(inner)])
    degree = re.search(r"(\d+) threads\)", out)
    if degree and int(degree.group(1)) != threads:
        sys.exit(f"isn_compare: ours ran on {degree.group(1)} threads (all cores), not --threads {threads}")
    found = re.search(r"engine's choice\s+([0-9.]+) steps/s", out)
    if not found:
        sys.exit(f"isn_compare: no \"engine's choice ... steps/s\" line in:\n{out}")
    return float(found.group(1))


def theirs(inner, threads):
    return json.loads(run(["/usr/bin/python3", TORCH_SCRIPT, str(inner), str(threads)]))["isn_steps_per_s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--inner-rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if args.rounds < 1 or args.inner_rounds < 1 or args.threads < 1:
        sys.exit("isn_compare: --rounds, --inner-rounds and --threads must be positive")
    if not args.no_build:
        run(["dotnet", "build", BENCH_PROJECT, "-c", "Release", "--nologo", "-v", "quiet"])
    a, b = [], []
    for r in range(args.rounds):
        a.append(ours(args.inner_rounds, args.threads))
        b.append(theirs(args.inner_rounds, args.threads))
        print(f"round {r + 1}: ours {a[-1]:.2f}, PyTorch {b[-1]:.2f} steps/s", file=sys.stderr, flush=True)
    mine, torch_rate = statistics.median(a), statistics.median(b)
    print(f"ISN training step, {args.threads} threads, {args.rounds} rounds: ours {mine:.2f} steps/s, "
          f"PyTorch {torch_rate:.2f} steps/s, ours/PyTorch {mine / torch_rate:.2f} (higher is better)")


if __name__ == "__main__":
    main()
