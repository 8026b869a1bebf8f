#!/usr/bin/env bash
# Load test of the registry search API on loopback: a 10,000-registration synthetic registry,
# wrk for 10 s per query (bounded), server and client sharing the machine's 2 cores.
# Needs wrk (Debian: apt-get install wrk). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
out="${1:-bench-out}"

cargo build --release -q -p ismap-cli -p ismap-bench
bin="$CARGO_TARGET_DIR/release"
[ -f "$out/registry.json" ] || "$bin/ismap-synth" --out "$out" --registrations 10000 --statements 40

"$bin/ismap" serve --bind 127.0.0.1:0 --registry "$out/registry.json" --criteria "$out/synthetic" \
  > "$out/serve.url" 2> "$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$out/serve.url" ] && break; sleep 0.1; done
base=$(head -n 1 "$out/serve.url")
echo "server at $base"

run() {
  echo "== $1"
  wrk --threads 2 --connections 32 --duration 10s --timeout 5s --latency "$base$1" | grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx'
}
# 東京 (Tokyo) matches about half of the registry; the page is 20 entries.
run "api/v1/registrations?q=%E6%9D%B1%E4%BA%AC&per_page=20"
# A 2-character query matching a few hundred, sorted by expiry, with a status filter.
run "api/v1/registrations?q=%E3%83%A1%E3%83%BC%E3%83%AB&status=valid&sort=expires_on&on=2026-06-01"
# No query: the whole registry filtered by program and country.
run "api/v1/registrations?program=ismap&country=JP&page=3"

# A check sheet page: one candidate checked against the 10,000-entry registry and rendered.
profile=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read(), safe=""))' "$out/profile.toml")
candidate=$(grep -o '"registration_no": "[^"]*"' "$out/registry.json" | awk 'NR == 1' | cut -d'"' -f4)
cat > "$out/sheet.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "candidate=$candidate&profile=$profile"
LUA
echo "== check/sheet (POST, one candidate, 300 required controls)"
wrk --threads 2 --connections 8 --duration 10s --timeout 5s --latency -s "$out/sheet.lua" "${base}check/sheet" \
  | grep -E 'Requests/sec|Latency|50%|90%|99%|requests in|Non-2xx'
