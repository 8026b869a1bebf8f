#!/usr/bin/env bash
# The server on a database of 10,000 registrations that each state all 261 built-in IDs (see
# docs/benchmarks.md, "The server at scale"): how long a list change takes to reach readers,
# and the latency of POST /api/v1/checks with 20 candidates under 16 concurrent clients.
# Needs curl and wrk (Debian: apt-get install curl wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}/server"
mkdir -p "$out"
[ -n "${ISMAP_BENCH_NO_BUILD:-}" ] || cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
dir="$out/registry"
[ -f "$dir/registry.json" ] ||
  "$bin/ismap-synth" --out "$dir" --builtin-criteria --full-statements --registrations 10000
db="$out/ismap.db"
rm -f "$db" "$db-wal" "$db-shm"
ismap() { "$bin/ismap" --db "$db" "$@"; }
start=$(date +%s%N)
ismap import registry "$dir/registry.json" >/dev/null
echo "import of 10,000 × 261 into SQLite: $(( ($(date +%s%N) - start) / 1000000 )) ms"

port=18931
# 16 clients may wait at once for the check pool (2 workers, one per core), none refused.
ISMAP_LOG=info "$bin/ismap" --db "$db" serve --bind "127.0.0.1:$port" --alerts-every 0 \
  --render-workers 2 --render-queue 16 >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
grep -m 1 -o 'listening.*' "$out/serve.log" || true

# 1. A change made by another process (an import): renamed entries, visible through the API.
no=$(grep -m 1 -o '"registration_no": "[^"]*"' "$dir/registry.json" | cut -d'"' -f4 || true)
for round in 1 2 3; do
  python3 - "$dir/registry.json" "$out/changed.json" "$round" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["registrations"][0]["service_name"] = "改名 " + sys.argv[3]
json.dump(doc, open(sys.argv[2], "w"), ensure_ascii=False)
PY
  ismap import registry "$out/changed.json" >/dev/null
  start=$(date +%s%N)
  until curl -s "http://127.0.0.1:$port/api/v1/registrations/$no" | grep -q "改名 $round"; do
    sleep 0.01
  done
  echo "round $round: visible $(( ($(date +%s%N) - start) / 1000000 )) ms after the import returned (polled every 0.5 s)"
done
grep -o 'elapsed_ms=[0-9]*' "$out/serve.log" | sed 's/^/server update: /'

# 2. POST /api/v1/checks: the profile with 20 candidates, 16 clients for 20 s.
candidates=$(grep -o '"registration_no": "[^"]*"' "$dir/registry.json" | awk 'NR <= 20' | cut -d'"' -f4 |
  sed 's/.*/"&"/' | paste -sd, -)
{ echo "candidates = [$candidates]"; cat "$dir/profile.toml"; } >"$out/profile20.toml"
cat >"$out/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/toml"
local f = io.open("$out/profile20.toml", "rb")
wrk.body = f:read("*a")
f:close()
LUA
curl -sf -X POST -H 'Content-Type: application/toml' --data-binary "@$out/profile20.toml" \
  -o "$out/check.json" "http://127.0.0.1:$port/api/v1/checks"
echo "one answer: $(stat -c %s "$out/check.json") bytes, $(grep -o '"registration_no"' "$out/check.json" | wc -l) candidates"
wrk -t 2 -c 16 -d 20s --latency -s "$out/post.lua" "http://127.0.0.1:$port/api/v1/checks"
