"""Changed files whose content was not read: it holds NUL bytes, is not UTF-8, is too big, was
cut off, or shows as binary where text was expected. Intake marks them (``FileChange.skipped``);
each becomes an ``artifact.unanalysable`` hazard, so what nobody could read goes to a human
instead of passing (a ``DROP TABLE`` migration with one NUL byte in it is not a clean file)."""

from __future__ import annotations

from collections.abc import Iterator

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, unanalysable
from countersign.intake.artifacts import text_expected
from countersign.intake.change import Change


def analyze(change: Change, context: Context) -> Iterator[Hazard]:
    for f in change.files:
        if f.submodule:
            continue
        if f.skipped:
            yield unanalysable(f.path, f"content not read: {f.skipped}")
        elif f.binary and text_expected(f.path):
            yield unanalysable(f.path, "content not read: git shows it as binary, text expected")
