"""The PyPI `oscal` package (a reader not written by us, OSCAL 1.2.3) loads the mapping
collection ismap writes and reports it valid; the same collection without its provenance,
or with a provenance method OSCAL does not define, it reports invalid.
Usage: oscal-mapping-check.py MAPPING.json ISMAP_BINARY

That reader checks required fields and the allowed values of flags; it does not check the
allowed values of fields, so a wrong `relationship` value (a field) passes it. ismap's own
`oscal validate` refuses one, tested in crates/cli/tests/cli/crosswalk.rs and here."""
import copy
import importlib.metadata
import json
import logging
import subprocess
import sys

import oscal

logging.disable(logging.CRITICAL)  # it tries to fetch the resources' hrefs; offline, it cannot


def valid(doc: dict) -> bool:
    return oscal.OSCAL.loads(json.dumps(doc)).is_valid


path, ismap = sys.argv[1], sys.argv[2]
doc = json.load(open(path, encoding="utf-8"))
maps = doc["mapping-collection"]["mappings"][0]["maps"]
assert valid(doc), "the PyPI oscal reader finds ismap's mapping collection invalid"
print(f"oscal {importlib.metadata.version('oscal')}: mapping collection valid ({len(maps)} maps)")

missing = copy.deepcopy(doc)
del missing["mapping-collection"]["provenance"]
assert not valid(missing), "a collection without provenance passed"

wrong_method = copy.deepcopy(doc)
wrong_method["mapping-collection"]["provenance"]["method"] = "guesswork"
assert not valid(wrong_method), "a provenance method outside human/automation/hybrid passed"

wrong_relationship = copy.deepcopy(doc)
wrong_relationship["mapping-collection"]["mappings"][0]["maps"][0]["relationship"] = "same-as"
del wrong_relationship["mapping-collection"]["mappings"][0]["maps"][0]["ns"]
bad = path + ".wrong-relationship.json"
json.dump(wrong_relationship, open(bad, "w", encoding="utf-8"))
refused = subprocess.run([ismap, "oscal", "validate", bad], capture_output=True, text=True)
assert refused.returncode == 2 and "relationship" in refused.stderr, refused
print("invalid: without provenance, with an unknown method (oscal); with an unknown relationship (ismap oscal validate)")
