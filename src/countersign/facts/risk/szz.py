"""SZZ labelling: find fix commits, blame the lines they removed on the fix's parent, and mark
the commits that last touched those lines as defect-inducing. Pure: the blame is run in
``state.history``."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from countersign.facts.risk.mining import Index

# Fix intent, not any mention: "error", "patch" or "bug" in a description, a ``Related-Bug:``
# trailer or a bare ``UTF-8``-like key say nothing about what the commit does. A fix says so in
# its subject (a fix or bug word, or a crash it repairs), closes an issue or bug by a reference
# (``fixes #12``, ``Closes-Bug: #1234``, ``resolves JIRA-77``, ``Fixes: <sha>``), or reverts.
_SUBJECT_FIX = re.compile(
    r"\b(fix(e[sd]|ing)?|bug(s|fix(e[sd])?)?|hotfix(e[sd])?|crash(e[sd]|ing)?)\b", re.IGNORECASE
)
_REF = (
    r"(#\d+|[\w.-]+/[\w.-]+#\d+|[A-Z][A-Z0-9]+-\d+"
    r"|https?://\S+?/(issues|bugs?|pull)/\d+|https?://\S+?show_bug\.cgi\?id=\d+)"
)
_CLOSING = re.compile(
    r"\b(close[sd]?|closing|fix(e[sd])?|fixing|resolve[sd]?|resolving)\b:?\s+" + _REF,
    re.IGNORECASE,
)
_CLOSING_TRAILER = re.compile(
    r"^[ \t]*(closes-bug|fixes-bug|resolves-bug|fixes|closes|resolves|bug)[ \t]*:[ \t]*\S",
    re.IGNORECASE | re.MULTILINE,
)
_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)
_REVERT_SUBJECT = re.compile(r"revert\b", re.IGNORECASE)


def is_fix(message: str) -> bool:
    """A fix: fix intent in the subject (first non-blank line), a closing reference to an issue
    or bug anywhere in the message, or a revert."""
    text = message.strip()
    subject = text.split("\n", 1)[0]
    return bool(
        _SUBJECT_FIX.search(subject)
        or _REVERT_SUBJECT.match(subject)
        or _CLOSING.search(text)
        or _CLOSING_TRAILER.search(text)
        or _REVERT.search(text)
    )


def reverted(message: str) -> list[str]:
    return _REVERT.findall(message)


_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;|%|<!--|\"\"\"|''')")
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? ")
DAY = 86400.0


def significant(text: str) -> bool:
    """A line worth blaming: not blank, not only a comment."""
    return bool(text.strip()) and not _COMMENT.match(text)


# ``significant`` on bytes: the same spaces (``str.strip``'s and ``\\s``'s, in ASCII)
_SPACE = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_COMMENT_BYTES = re.compile(rb"^[\s\x1c-\x1f]*(#|//|/\*|\*|--|;|%|<!--|\"\"\"|\'\'\')")


def significant_bytes(line: bytes) -> bool:
    """``significant`` of a line as the diff gives it (decoded as UTF-8 when not ASCII)."""
    if not line.isascii():
        return significant(line.decode("utf-8", "replace"))
    return bool(line.strip(_SPACE)) and not _COMMENT_BYTES.match(line)


def removed_lines(diff: bytes) -> dict[str, list[int]]:
    """Old path -> line numbers (in the old file) of the significant lines a ``-U0`` diff
    removes or changes. Pure additions give nothing to blame."""
    out: dict[str, list[int]] = {}
    path: str | None = None
    line = 0
    in_hunk = False
    for raw in diff.split(b"\n"):
        if raw.startswith(b"diff --git "):
            path, in_hunk = None, False
        elif not in_hunk and raw.startswith(b"--- "):
            name = raw[4:].decode("utf-8", "replace")
            path = name[2:] if name.startswith("a/") else None
        elif m := _HUNK.match(raw):
            in_hunk = True
            line = int(m.group(1))
        elif in_hunk and raw.startswith(b"-"):
            if path and significant(raw[1:].decode("utf-8", "replace")):
                out.setdefault(path, []).append(line)
            line += 1
    return out


def line_ranges(lines: list[int]) -> list[str]:
    """Sorted line numbers as ``git blame -L`` ranges (``3,5``)."""
    out: list[str] = []
    start = prev = lines[0]
    for n in lines[1:]:
        if n != prev + 1:
            out.append(f"{start},{prev}")
            start = n
        prev = n
    out.append(f"{start},{prev}")
    return out


@dataclass(frozen=True)
class Labels:
    bug: dict[str, int | None]
    fixes: int
    inducing: int
    note: str


def _beginning(ordered: list[str], prefix: str) -> Iterator[str]:
    """The shas of ``ordered`` (sorted) that begin with ``prefix``: one run, found by bisection."""
    at = bisect_left(ordered, prefix)
    while at < len(ordered) and ordered[at].startswith(prefix):
        yield ordered[at]
        at += 1


def labels(index: Index, gap_days: float = 90.0, explicit: set[str] | None = None) -> Labels:
    """SZZ labels for every mined commit, from the fixes' blame in ``index.blamed``, reverts and
    ``explicit`` labels. Commits in the last ``gap_days`` of history stay unlabelled unless found
    defect-inducing: their bugs may not have been found yet."""
    known = {c.sha for c in index.commits}
    ordered = sorted(known)
    bad: set[str] = set()
    fixes = 0
    for c in index.commits:
        if not c.fix:
            continue
        fixes += 1
        bad.update(index.blamed.get(c.sha, ()))
        for target in reverted(c.message):
            bad.update(_beginning(ordered, target.lower()))
    for prefix in explicit or set():
        bad.update(_beginning(ordered, prefix))
    bad &= known
    end = max((c.date for c in index.commits), default=0.0)
    bug: dict[str, int | None] = {}
    for c in index.commits:
        if c.sha in bad:
            bug[c.sha] = 1
        elif fixes == 0 and not explicit:
            bug[c.sha] = None
        else:
            bug[c.sha] = None if c.date > end - gap_days * DAY else 0
    note = ""
    if fixes == 0 and not explicit:
        note = "no fix commits found: no labels (the packaged prior model stays in use)"
    elif index.shallow:
        note = "shallow clone: lines older than the clone's edge cannot be blamed"
    return Labels(bug, fixes, len(bad), note)
