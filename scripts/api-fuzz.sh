#!/usr/bin/env bash
# Property-based fuzzing of the REST API with schemathesis, from the OpenAPI document: as every
# role, no generated request may get a server error (5xx). Usage: scripts/api-fuzz.sh ISMAP_BINARY
# [PYTHON]. Runs on a fresh SQLite database with the demo registry; loopback only.
set -euo pipefail
ismap="$1"
python="${2:-python3}"
dir="$(mktemp -d)"
export ISMAP_DB="$dir/ismap.db"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT

"$ismap" demo >/dev/null
declare -A orgs=([operator]="" [admin]="" [provider]="架空株式会社" [auditor]="監査法人X" [procurer]="架空市")
for role in "${!orgs[@]}"; do
  org=()
  [ -n "${orgs[$role]}" ] && org=(--org "${orgs[$role]}")
  echo "fuzz password for $role" | "$ismap" user add "fuzz-$role" --role "$role" "${org[@]}" >/dev/null
done
"$ismap" serve --bind 127.0.0.1:0 --alerts-every 0 >"$dir/addr" 2>"$dir/log" &
server=$!
for _ in $(seq 1 50); do [ -s "$dir/addr" ] && break; sleep 0.1; done
url="$(head -n 1 "$dir/addr")"

run() {
  "$python" -m schemathesis.cli run "${url}api/openapi.json" --checks not_a_server_error \
    --max-examples 40 --exclude-path /api/v1/checks "$@"
}
run
for role in "${!orgs[@]}"; do
  token="$("$ismap" user token "fuzz-$role" --name fuzz 2>/dev/null)"
  echo "== as $role"
  run -H "Authorization: Bearer $token"
done
