"""compliance-trestle (NIST/IBM's OSCAL tooling, a reader that is not ours) loads the OSCAL
documents ismap writes. Usage: trestle-check.py KIND=FILE ...
KIND: catalog, profile, component (component-definition), results (assessment-results)."""
import sys
from pathlib import Path

from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.profile import Profile

MODELS = {"catalog": Catalog, "profile": Profile, "component": ComponentDefinition, "results": AssessmentResults}

for arg in sys.argv[1:]:
    kind, path = arg.split("=", 1)
    doc = MODELS[kind].oscal_read(Path(path))
    print(f"trestle read the {kind}: {doc.metadata.title!r}")
print(f"trestle: {len(sys.argv) - 1} documents read")
