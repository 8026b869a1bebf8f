#!/usr/bin/env bash
# The registry at the real criteria's size (see docs/benchmarks.md, "At the real criteria's
# size"): full statements, every ID of the criteria stated by each of 10,000 registrations.
# Times whole commands with hyperfine and reads peak memory with GNU time; prints the floor
# (reading the same bytes) and a peer (Python's json.load of the same file) next to them.
# Needs hyperfine and /usr/bin/time (Debian: apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}/scale"
mkdir -p "$out"

cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
ls -l "$bin/ismap" | awk '{print "release binary: " $5 " bytes"}'

# 1. The built-in 2022 criteria (261 IDs), each registration stating all of them: 10,000 × 261.
[ -f "$out/builtin/registry.json" ] ||
  "$bin/ismap-synth" --out "$out/builtin" --builtin-criteria --full-statements --registrations 10000
# 2. Synthetic criteria of the real criteria's size (1,160 detailed controls), full statements.
[ -f "$out/real-size/registry.json" ] ||
  "$bin/ismap-synth" --out "$out/real-size" --controls 1160 --full-statements --registrations 2000

run() { # name, registry dir, criteria flag
  local name=$1 dir=$2 criteria=$3
  local file="$dir/registry.json"
  local size
  size=$(stat -c %s "$file")
  local one
  one=$(grep -m 1 -o '"registration_no": "[^"]*"' "$file" | cut -d'"' -f4)
  local check="$bin/ismap check $criteria --registry $file --profile $dir/profile.toml"
  echo "== $name: $((size / 1000000)) MB"
  hyperfine --warmup 1 --runs 5 --export-markdown "$out/$name.md" \
    -n "floor: read the bytes (cat)" "cat $file >/dev/null" \
    -n "peer: Python json.load" "python3 -c 'import json,sys; json.load(open(sys.argv[1], \"rb\"))' $file" \
    -n "check one candidate (JSON)" "$check --service $one --format json >/dev/null" \
    -n "check all, --summary (JSON lines)" "$check --summary >/dev/null" \
    -n "check all, full JSON report" "$check --format json >$out/$name-full.json"
  cat "$out/$name.md"
  echo "full report: $(stat -c %s "$out/$name-full.json") bytes"
  rm -f "$out/$name-full.json"
  /usr/bin/time -f "peak memory, check one candidate: %M KiB (file: $((size / 1024)) KiB)" \
    $check --service "$one" --format json >/dev/null
  /usr/bin/time -f "peak memory, check all --summary: %M KiB" $check --summary >/dev/null
}

run builtin "$out/builtin" ""
run real-size "$out/real-size" "--criteria $out/real-size/synthetic"
