"""SZZ labelling: find fix commits, blame the lines they removed on the fix's parent, and mark
the commits that last touched those lines as defect-inducing."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from countersign.errors import InputError

if TYPE_CHECKING:
    from countersign.facts.risk.mining import Index

_FIX = re.compile(
    r"\b(fix(e[sd])?|fixing|bug(fix)?s?|defects?|faults?|errors?|crash(es)?|regressions?|"
    r"hotfix|patch(ed)?|resolve[sd]?|broken)\b",
    re.IGNORECASE,
)
_REVERT = re.compile(r"This reverts commit ([0-9a-f]{7,40})", re.IGNORECASE)
_ISSUE = re.compile(r"(\b(close[sd]?|fixe?[sd]?|resolve[sd]?)\s+#\d+|\b[A-Z][A-Z0-9]+-\d+\b)")


def is_fix(message: str) -> bool:
    """A fix: a fix keyword, an issue reference closed by the commit, or a revert."""
    return bool(_FIX.search(message) or _ISSUE.search(message) or _REVERT.search(message))


def reverted(message: str) -> list[str]:
    return _REVERT.findall(message)


_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;|%|<!--|\"\"\"|''')")
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? ")
_BLAME = re.compile(r"^([0-9a-f]{40}) \d+ \d+")
DAY = 86400.0


def significant(text: str) -> bool:
    """A line worth blaming: not blank, not only a comment."""
    return bool(text.strip()) and not _COMMENT.match(text)


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


def _ranges(lines: list[int]) -> list[str]:
    out: list[str] = []
    start = prev = lines[0]
    for n in lines[1:]:
        if n != prev + 1:
            out.append(f"{start},{prev}")
            start = n
        prev = n
    out.append(f"{start},{prev}")
    return out


def _run(repo: Path, *args: str) -> bytes | None:
    proc = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.quotePath=false", *args],
        capture_output=True,
        check=False,
    )
    return proc.stdout if proc.returncode == 0 else None


def inducing(repo: Path, fix: str, parent: str, ignore_revs: Path | None = None) -> list[str]:
    """Commits that last touched the significant lines ``fix`` removed, blamed on ``parent``
    ignoring whitespace (and the formatting commits listed in ``ignore_revs``)."""
    diff = _run(repo, "diff", "-U0", "-w", "-M", "--no-color", "--no-ext-diff", parent, fix, "--")
    found: set[str] = set()
    for path, lines in removed_lines(diff or b"").items():
        args = ["blame", "-w", "--porcelain"]
        if ignore_revs:
            args += ["--ignore-revs-file", str(ignore_revs)]
        for r in _ranges(sorted(set(lines))):
            args += ["-L", r]
        out = _run(repo, *args, parent, "--", path)
        if out is None:
            continue
        boundary: set[str] = set()
        current = ""
        for text in out.decode("utf-8", "replace").splitlines():
            if m := _BLAME.match(text):
                current = m.group(1)
                found.add(current)
            elif text == "boundary":
                boundary.add(current)  # a shallow clone's edge: the real origin is unknown
        found -= boundary
    return sorted(found)


def read_labels(path: Path) -> set[str]:
    """Explicit labels: one defect-inducing commit (sha or prefix) per line, optionally followed
    by what it caused (an incident id, a note); ``#`` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the labels file ({exc.strerror})") from exc
    shas = set()
    for n, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].replace(",", " ").split()
        if not word:
            continue
        if not re.fullmatch(r"[0-9a-fA-F]{7,40}", word[0]):
            raise InputError(f"{path}:{n}: expected a commit sha first, got {word[0]!r}")
        shas.add(word[0].lower())
    return shas


@dataclass(frozen=True)
class Labels:
    bug: dict[str, int | None]
    fixes: int
    inducing: int
    note: str


def label(
    repo: Path,
    index: Index,
    gap_days: float = 90.0,
    explicit: set[str] | None = None,
    ignore_revs: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> Labels:
    """SZZ labels for every mined commit; fix results are cached in ``index.blamed``. Commits in
    the last ``gap_days`` of history stay unlabelled unless found defect-inducing: their bugs may
    not have been found yet."""
    known = {c.sha for c in index.commits}
    todo = [c for c in index.commits if c.fix and c.sha not in index.blamed]
    # git does the work: a few blames at once keep the cores busy while Python waits
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        jobs = {
            pool.submit(inducing, repo, c.sha, c.parents[0], ignore_revs): c.sha
            for c in todo
            if c.parents
        }
        for job in as_completed(jobs):
            index.blamed[jobs[job]] = job.result()
            if progress:
                progress(1)
    bad: set[str] = set()
    fixes = 0
    for c in index.commits:
        if not c.fix:
            continue
        fixes += 1
        bad.update(index.blamed.get(c.sha, ()))
        for target in reverted(c.message):
            bad.update(s for s in known if s.startswith(target.lower()))
    for prefix in explicit or set():
        bad.update(s for s in known if s.startswith(prefix))
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
