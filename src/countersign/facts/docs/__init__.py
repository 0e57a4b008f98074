"""Stale knowledge: what a document says about the code and the system, and whether it still holds.

A document (Markdown, reStructuredText, AsciiDoc, a runbook, a wiki page) makes references: paths,
this repository's own commands with their subcommands and flags, environment variables,
functions and classes, configuration keys. ``extract`` finds them (skipping what is not advice:
code in other languages, placeholders, changelogs); ``judge`` decides, against the code at one
revision and the history that removed or renamed things, which references no longer hold.
Both are pure; git is read in ``countersign.intake.docs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from countersign.intake.code_index import Evidence


class Kind(StrEnum):
    PATH = "path"
    COMMAND = "command"
    FLAG = "flag"
    ENV = "env"
    SYMBOL = "symbol"
    CONFIG_KEY = "config-key"
    SCRIPT = "script"
    MAKE_TARGET = "make-target"
    TOOL = "tool"  # a well-known tool's subcommand or flag (``helm init``)


@dataclass(frozen=True)
class Reference:
    """One thing a document line says exists. ``needle`` is the token that must still be found
    in the code for it to hold (for a path, the path itself); ``context`` is the command or span
    the reference was read from, shown to the reader."""

    doc: str
    line: int
    kind: Kind
    text: str
    needle: str
    context: str = ""
    link: bool = False
    # for a call written with keywords (``start_canary(region="eu")``), the keywords it passes
    keywords: tuple[str, ...] = ()
    # another repository the document has the reader clone (``manila-tempest-plugin``): a path
    # that moved out of this one may be that repository's
    elsewhere: str = ""


class Status(StrEnum):
    HOLDS = "holds"
    REMOVED = "removed"
    RENAMED = "renamed"
    SIGNATURE = "signature-changed"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Finding:
    """A reference that no longer holds, with the evidence and how sure the judgement is. A
    ``removed``, ``renamed`` or ``signature-changed`` finding has evidence from history;
    ``unresolved`` has none (the referent is absent and nothing in history says it ever
    existed)."""

    reference: Reference
    status: Status
    confidence: str
    reason: str
    evidence: Evidence | None = None
    doc_line_date: str = ""
    suggestion: str = ""

    @property
    def stale(self) -> bool:
        """Removed or renamed, and sure of it (``docs check`` lists the rest with ``--all``)."""
        stale = {Status.REMOVED, Status.RENAMED, Status.SIGNATURE}
        return self.status in stale and self.confidence == "high"


__all__ = ["Evidence", "Finding", "Kind", "Reference", "Status"]
