#!/usr/bin/env bash
# Times the whole `ismap check` command on a synthetic registry of 10,000 registrations, a
# profile of 300 required controls and 20 features (see docs/benchmarks.md).
# Needs hyperfine (Debian: apt-get install hyperfine). Loopback only; no network.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}"

cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
"$bin/ismap-synth" --out "$out" --registrations 10000 --statements 40 --required 300 --features 20
ls -l "$out/registry.json"

# A procurement: 20 candidates checked, the whole 10,000-entry file read and validated.
candidates=$(grep -o '"registration_no": "[^"]*"' "$out/registry.json" | awk 'NR <= 20' | cut -d'"' -f4 | sed 's/^/--service /' | tr '\n' ' ')
check="$bin/ismap check --criteria $out/synthetic --registry $out/registry.json --profile $out/profile.toml --format json"

# shellcheck disable=SC2086
taskset -c 0 hyperfine --warmup 2 --runs 10 --export-markdown "$out/hyperfine.md" \
  -n "read 10,000, check 20 candidates (JSON)" "$check $candidates >/dev/null" \
  -n "read 10,000, check all 10,000 (JSON, ~1 GB)" "$check >/dev/null"
cat "$out/hyperfine.md"
