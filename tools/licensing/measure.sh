#!/usr/bin/env bash
# Measures an ISN and the licence flow as docs/licensing.md reports them:
#   tools/licensing/measure.sh DP ISN_DIR SP_OWNER_VAULT PASSPHRASE_FILE DATA OUT_DIR [WRONG_KEYS]
# DP is the deeppassport binary. The held-out images of ISN_DIR (holdout.txt) are the identities of the registered
# users; the textures of WRONG_KEYS (a folder or a list file; default every other texture of DATA/keys/dtd) and
# Gaussian noise serve as wrong keys. Prints one JSON object a line.
set -euo pipefail
dp=$1 isn=$2 vault=$3 pass=$4 data=$5 out=$6 wrong=${7:-$5/keys/dtd}
rm -rf "$out"; mkdir -p "$out/passports"
cp "$vault" "$out/owner.vault"
owner="$out/owner.vault"

# 1. ISN quality on the held-out photos (pairs of secret, cover) and reveals with wrong keys / noise.
"$dp" isn eval --isn "$isn" --images "$isn/holdout.txt" --wrong-keys "$wrong" --noise-keys 5 --json > "$out/isn-eval.json"
cat "$out/isn-eval.json"

# 2. One licence per held-out photo, then each passport verified against all of them.
"$dp" isn attach --owner "$owner" --isn "$isn" --passphrase-file "$pass" > /dev/null
# A licence that would not pass verify is refused (exit 1, "issued": false); it is counted, not fatal.
while read -r img; do
  user=$(basename "${img%.*}")
  set +e; "$dp" license issue --owner "$owner" --passphrase-file "$pass" --user "$user" --id-image "$img" \
      --out "$out/passports/$user.png" --json >> "$out/issued.jsonl" 2> "$out/issue.err"; code=$?; set -e
  if [ $code -gt 1 ]; then cat "$out/issue.err" >&2; exit $code; fi
done < "$isn/holdout.txt"
right=0 total=0
shopt -s nullglob
for p in "$out"/passports/*.png; do
  user=$(basename "${p%.*}")
  set +e; "$dp" license verify --owner "$owner" --passphrase-file "$pass" --passport "$p" --json > "$out/v.json"; code=$?; set -e
  got=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["user"])' "$out/v.json")
  cat "$out/v.json" >> "$out/verified.jsonl"
  total=$((total + 1)); if [ "$got" = "$user" ] && [ $code -eq 0 ]; then right=$((right + 1)); fi
done
/usr/bin/python3 - "$out" "$right" "$total" <<'PY'
import json, sys
out, right, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
issued = [json.loads(l) for l in open(out + "/issued.jsonl")]
ver = [json.loads(l) for l in open(out + "/verified.jsonl")]
# passport fidelity over every identity, refused ones too (their self_check measured the passport that was not written)
fidelity = [i["self_check"]["passport_psnr"] for i in issued]
print(json.dumps({
    "identities": len(issued), "licences": total, "refused": [i["user"] for i in issued if not i["issued"]], "attributed_right": right,
    "passport_psnr_min": min(fidelity), "passport_psnr_mean": sum(fidelity) / len(fidelity),
    "reveal_psnr_min": min(v["psnr"] for v in ver), "reveal_ssim_min": min(v["ssim"] for v in ver),
    "margin_db_min": min(v["margin_db"] for v in ver),
    "verdicts": sorted(set(v["verdict"] for v in ver)),
}))
PY
