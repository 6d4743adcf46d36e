#!/usr/bin/env bash
# Splits the key textures into wrong keys to train with and wrong keys to measure with, never the same ones:
#   tools/licensing/split-wrong-keys.sh DATA KEY OUT_DIR
# Training (OUT_DIR/wrong-keys-train.txt): the first DTD texture of each class other than the key's, and the cc0
# textures. Measuring (OUT_DIR/wrong-keys-eval.txt): every other DTD texture but the key, including the key's own class.
set -euo pipefail
data=$1 key=$(basename "$2") out=$3
mkdir -p "$out"
keyclass=${key%%_*}
: > "$out/wrong-keys-train.txt"; : > "$out/wrong-keys-eval.txt"
seen=""
for f in $(ls "$data/keys/dtd" | sort); do
  class=${f%%_*} path=$(realpath "$data/keys/dtd/$f")
  if [ "$f" = "$key" ]; then continue; fi
  if [ "$class" != "$keyclass" ] && [[ " $seen " != *" $class "* ]]; then
    seen="$seen $class"; echo "$path" >> "$out/wrong-keys-train.txt"
  else
    echo "$path" >> "$out/wrong-keys-eval.txt"
  fi
done
for f in "$data"/keys/cc0/*.png; do realpath "$f" >> "$out/wrong-keys-train.txt"; done
echo "$(wc -l < "$out/wrong-keys-train.txt") wrong keys to train with, $(wc -l < "$out/wrong-keys-eval.txt") to measure with, in $out" >&2
