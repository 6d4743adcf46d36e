#!/usr/bin/env bash
# Times this tree's engine against another commit's, side by side in one process (bench/DeepPassport.Ab):
#   bench/ab.sh BASE [WORK] [rounds] [reps]
# BASE is a commit (HEAD for a trial setting: KNOB_A / KNOB_B, see DeepPassport.Ab). WORK as AbProbe.Setup:
# step:resnet18 (default), step:alexnet, infer:resnet18, isn, conv:cin,cout,side,k,stride,pad, convf:..., gemm:m,n,k,ta,tb, pgemm:...
# The probe is built from this tree and copied beside both builds (it uses only public API).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/ab.sh BASE [WORK] [rounds] [reps]}; work=${2:-step:resnet18}; rounds=${3:-20}; reps=${4:-2}
out=${AB_DIR:-/tmp/deeppassport-ab}
rm -rf "$out"; mkdir -p "$out"
git worktree add -q --detach "$out/base-tree" "$base"
trap 'git worktree remove --force "$out/base-tree"' EXIT
dotnet build "$out/base-tree/src/DeepPassport/DeepPassport.csproj" -c Release -o "$out/A" -p:CopyLocalLockFileAssemblies=true -v q -nologo > "$out/build-a.log"
dotnet build bench/DeepPassport.Ab.Probe/DeepPassport.Ab.Probe.csproj -c Release -o "$out/B" -p:CopyLocalLockFileAssemblies=true -v q -nologo > "$out/build-b.log"
dotnet build bench/DeepPassport.Ab/DeepPassport.Ab.csproj -c Release -o "$out/runner" -v q -nologo > "$out/build-runner.log"
cp "$out/B/DeepPassport.Ab.Probe.dll" "$out/A/"
echo "A = $(git rev-parse --short "$base"), B = this tree ($(git rev-parse --short HEAD)$(git diff --quiet || echo ', with changes'))"
dotnet "$out/runner/DeepPassport.Ab.dll" "$out/A" "$out/B" "$work" "$rounds" "$reps"
