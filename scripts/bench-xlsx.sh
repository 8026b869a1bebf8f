#!/usr/bin/env bash
# Times `ismap import registry` of a 10,000-row XLSX registry into a new SQLite database
# (issue target: under 1 s). Needs hyperfine. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}"
cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
[ -f "$out/registry.json" ] || "$bin/ismap-synth" --out "$out" --registrations 10000 --statements 40
"$bin/ismap" registry export --registry "$out/registry.json" --criteria "$out/synthetic" --format xlsx -o "$out/registry.xlsx"
ls -l "$out/registry.xlsx"
hyperfine --warmup 1 --runs 10 --prepare "rm -f $out/import.db" \
  -n "import 10,000-row XLSX into a new SQLite database" "ISMAP_DB=$out/import.db $bin/ismap import registry $out/registry.xlsx"
