#!/usr/bin/env bash
# ismap and compliance-trestle side by side on NIST's data (../shared/data/oscal), whole
# processes, same files: load + validate the SP 800-53 rev5.0.1 catalog, and resolve the HIGH
# baseline profile, with the floor (the same bytes read and written). Issue targets: ismap at
# least 20 times faster (issue 4), 50 times for the resolution (issue 13). Needs hyperfine and a
# Python venv with compliance-trestle (created here). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/ismap-target}"
data="${ISMAP_OSCAL_DATA:-../shared/data/oscal}/rev5.0.1-2021-06"
out="${1:-bench-out}/oscal"
venv=/var/tmp/ismap-venv
mkdir -p "$out"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import trestle' 2>/dev/null || "$venv/bin/pip" install -q compliance-trestle
cargo build --release -q -p ismap-cli
ismap="$CARGO_TARGET_DIR/release/ismap"

# trestle resolves imports from a workspace, by absolute path: give it a copy whose href points
# at the JSON catalog (NIST's profile names the XML one).
(cd "$out" && [ -d .trestle ] || "$venv/bin/trestle" init >/dev/null)
catalog="$(cd "$data" && pwd)/NIST_SP-800-53_rev5_catalog.json"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); [i.update(href=sys.argv[2]) for i in p["profile"]["imports"]]; json.dump(p, open(sys.argv[3], "w"))' \
  "$data/NIST_SP-800-53_rev5_HIGH-baseline_profile.json" "$catalog" "$out/high-profile.json"
cat > "$out/trestle_resolve.py" <<'PY'
import sys, pathlib
from trestle.core.profile_resolver import ProfileResolver
ProfileResolver.get_resolved_profile_catalog(pathlib.Path(sys.argv[1]), sys.argv[2])
PY

# -N: each command run directly, without a shell in between (a shell's start, about a
# millisecond, is part of neither tool). The floor copies the catalog (the profile is 10 KB).
hyperfine -N --warmup 2 --runs 10 --export-markdown "$out/catalog.md" \
  -n "ismap oscal validate (rev5 catalog)" "$ismap oscal validate $catalog" \
  -n "trestle Catalog.oscal_read (rev5 catalog)" "$venv/bin/python -c 'import sys, pathlib; from trestle.oscal.catalog import Catalog; Catalog.oscal_read(pathlib.Path(sys.argv[1]))' $catalog"
hyperfine -N --warmup 3 --runs 20 --export-markdown "$out/resolve.md" \
  -n "floor: copy the catalog (read and write its bytes)" "cp $catalog $out/floor.json" \
  -n "ismap oscal resolve (HIGH)" "$ismap oscal resolve $data/NIST_SP-800-53_rev5_HIGH-baseline_profile.json -o $out/ismap-high.json" \
  -n "trestle ProfileResolver (HIGH)" "$venv/bin/python $out/trestle_resolve.py $out $out/high-profile.json"
cat "$out/catalog.md" "$out/resolve.md"
