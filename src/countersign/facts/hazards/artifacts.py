"""Explicit artifacts nothing else could analyse (of no known kind): they go to a human instead
of passing silently. Changed files that could not be read are ``unread``'s."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, unanalysable
from countersign.facts.hazards.documents import DocumentKind, documents
from countersign.intake.change import Change


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for doc in documents(change):
        if doc.origin == "explicit" and doc.kind is DocumentKind.OTHER:
            yield unanalysable(
                doc.path,
                "not recognised as a Terraform plan, CloudFormation change set, Kubernetes "
                "manifest, SQL migration or IAM policy",
            )
