"""Files nothing else could analyse: an explicit artifact of no known kind, or a changed file
of a known kind too big to read. Both go to a human instead of passing silently."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, unanalysable
from countersign.facts.hazards.documents import DocumentKind, documents, skipped_files
from countersign.intake.change import Change

# Kinds some analyzer of this package reads; shell scripts and workflows go to the shell
# classifier, which is wired separately.
ANALYSED = frozenset(DocumentKind) - {DocumentKind.OTHER}


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for doc in documents(change):
        if doc.origin == "explicit" and doc.kind is DocumentKind.OTHER:
            yield unanalysable(
                doc.path,
                "not recognised as a Terraform plan, CloudFormation change set, Kubernetes "
                "manifest, SQL migration or IAM policy",
            )
    for path, why, kind in skipped_files(change):
        if kind in ANALYSED:
            yield unanalysable(path, f"{kind} not read ({why})")
