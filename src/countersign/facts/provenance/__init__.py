"""Provenance: was this change written with an AI agent, how sure are we, and from what signals.

Each source in ``sources.SOURCES`` reads one kind of evidence; ``fusion.fuse`` combines them and
documents the confidence scale. Agent addresses, bot logins and branch prefixes are data
(``agents.yaml``, extended by ``.countersign/provenance.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping

from countersign.facts.context import Context
from countersign.facts.provenance.fusion import fuse
from countersign.facts.provenance.records import (
    CommitProvenance,
    Confidence,
    Provenance,
    Signal,
)
from countersign.facts.provenance.sources import SOURCES, Source
from countersign.intake.change import Change

__all__ = ["CommitProvenance", "Confidence", "Provenance", "Signal", "analyze"]


def analyze(
    change: Change, context: Context, sources: Mapping[str, Source] | None = None
) -> Provenance:
    chosen = SOURCES if sources is None else sources
    return fuse(change, (s for source in chosen.values() for s in source(change, context)))
