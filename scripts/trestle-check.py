"""compliance-trestle (NIST/IBM's OSCAL tooling, a reader that is not ours) loads the OSCAL
documents ismap writes. Usage: trestle-check.py CATALOG PROFILE [RESOLVED]"""
import sys
from pathlib import Path

from trestle.oscal.catalog import Catalog
from trestle.oscal.profile import Profile

catalog = Catalog.oscal_read(Path(sys.argv[1]))
groups = catalog.groups or []
print(f"trestle read the catalog: {catalog.metadata.title!r}, {len(groups)} top-level groups")
profile = Profile.oscal_read(Path(sys.argv[2]))
ids = [i for imp in profile.imports for inc in (imp.include_controls or []) for i in (inc.with_ids or [])]
print(f"trestle read the profile: {profile.metadata.title!r}, {len(ids)} controls selected")
if len(sys.argv) > 3:
    resolved = Catalog.oscal_read(Path(sys.argv[3]))
    print(f"trestle read the resolved catalog: {resolved.metadata.title!r}")
