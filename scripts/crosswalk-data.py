#!/usr/bin/env python3
"""Rebuild data/crosswalk/ from the project's shared data (IDs only, no control text).

Usage: scripts/crosswalk-data.py SHARED_DATA_DIR   (e.g. ../shared/data)

- the three mapping CSVs are copied byte for byte;
- fedramp-rev5.csv lists the NIST IDs each FedRAMP rev5 baseline profile selects;
- nist-800-53r5-ids.csv lists every control and enhancement ID of the SP 800-53 rev5
  catalog, with the ID a withdrawn control was incorporated into (if any).
"""
import csv
import io
import json
import pathlib
import shutil
import sys

shared = pathlib.Path(sys.argv[1])
out = pathlib.Path(__file__).resolve().parent.parent / "data" / "crosswalk"
out.mkdir(parents=True, exist_ok=True)

for name in ["iso27001-2013_2022.csv", "nist80053r5_iso27001-2013.csv", "nist80053r5_iso27001-2022.csv"]:
    shutil.copyfile(shared / "crosswalk" / name, out / name)


def write(name, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    (out / name).write_text(buf.getvalue(), encoding="utf-8")


rows = []
for baseline in ["LOW", "MODERATE", "HIGH", "LI-SaaS"]:
    doc = json.loads((shared / "oscal" / "fedramp-rev5" / f"FedRAMP_rev5_{baseline}-baseline_profile.json").read_text())
    for imp in doc["profile"]["imports"]:
        for inc in imp.get("include-controls", []):
            for nist_id in inc.get("with-ids", []):
                rows.append((baseline.lower(), nist_id))
write("fedramp-rev5.csv", ["baseline", "nist_id"], rows)

catalog = json.loads((shared / "oscal" / "rev5.0.1-2021-06" / "NIST_SP-800-53_rev5_catalog.json").read_text())["catalog"]
ids = []


def walk(controls):
    for c in controls:
        withdrawn = any(p.get("name") == "status" and p.get("value") == "withdrawn" for p in c.get("props", []))
        into = ""
        if withdrawn:
            into = " ".join(l["href"].lstrip("#").split("_smt")[0] for l in c.get("links", []) if l.get("rel") in ("incorporated-into", "moved-to"))
        ids.append((c["id"], "withdrawn" if withdrawn else "", into))
        walk(c.get("controls", []))


for group in catalog["groups"]:
    walk(group.get("controls", []))
write("nist-800-53r5-ids.csv", ["nist_id", "status", "incorporated_into"], ids)
print(f"{len(rows)} FedRAMP rows, {len(ids)} NIST IDs -> {out}")
