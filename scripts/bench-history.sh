#!/usr/bin/env bash
# Times the list's history on a database of 10,000 registrations imported twice (two versions
# of every entry, 20,000 list events): the list now, the list as of a date, and the diff
# between two dates (see docs/benchmarks.md). Needs hyperfine. Loopback only; no network.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}"

cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
for seed in 1 2; do
  "$bin/ismap-synth" --out "$out/v$seed" --builtin-criteria --registrations 10000 --statements 40 --seed "$seed"
done
db="$out/history.db"
rm -f "$db"
"$bin/ismap" --db "$db" import registry "$out/v1/registry.json" --effective 2025-01-01 >/dev/null
"$bin/ismap" --db "$db" import registry "$out/v2/registry.json" --effective 2026-01-01 >/dev/null
ls -l "$db"

ismap="$bin/ismap --db $db"
taskset -c 0 hyperfine --warmup 1 --runs 5 --export-markdown "$out/history.md" \
  -n "list now (10,000)" "$ismap registry list --format json >/dev/null" \
  -n "list as of 2025-06-01" "$ismap registry list --as-of 2025-06-01 --format json >/dev/null" \
  -n "diff 2025-06-01 → 2026-06-01" "$ismap registry diff --from 2025-06-01 --to 2026-06-01 --format json >/dev/null"
cat "$out/history.md"
