"""Mined history as records: the ``git log --numstat -M`` stream (read by ``state.history``)
parsed commit by commit into metrics rows, with the history state they are computed against.
Pure: git is run in ``state.history``, the cache kept in ``state.risk``."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from countersign.facts.risk import content, text
from countersign.facts.risk.dataset import Row
from countersign.facts.risk.metrics import FileDelta, History, compute
from countersign.facts.risk.szz import is_fix

LOG_FORMAT = "%x1e%H%x1f%at%x1f%aE%x1f%P%x1f%B%x1d"
_AI = re.compile(
    r"^(co-authored-by|generated-by|assisted-by):.*\b(claude|copilot|gpt|codex|cursor|gemini|aider|devin)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Mined:
    """One commit as mined: its metrics row and what labelling needs from its message."""

    sha: str
    date: float
    author: str
    parents: tuple[str, ...]
    fix: bool
    ai: bool
    metrics: dict[str, float]
    message: str
    paths: tuple[str, ...] = ()

    def row(
        self,
        bug: int | None = None,
        extra: Mapping[str, float] | None = None,
        counted: Mapping[str, float] | None = None,
    ) -> Row:
        """Its row; ``counted``: its patch's ``content.count`` (its code words join the words)."""
        return Row(
            self.sha,
            self.date,
            bug,
            {**self.metrics, "ai": float(self.ai), **(extra or {})},
            text.tokens(self.message, self.paths, content.code_of(counted)),
        )


@dataclass
class Index:
    """The cached result of mining: history state after ``head`` and every commit mined."""

    head: str | None = None
    history: History = field(default_factory=History)
    commits: list[Mined] = field(default_factory=list)
    shallow: bool = False
    blamed: dict[str, list[str]] = field(default_factory=dict)  # fix sha -> inducing shas
    # sha -> the kinds of lines its patch adds and removes (``content.count``), from the replay
    content: dict[str, dict[str, float]] = field(default_factory=dict)
    problem: str = ""  # why mining stopped early (a mirror with missing objects), not cached


def parse_records(chunks: Iterator[bytes]) -> Iterator[tuple[list[str], list[FileDelta]]]:
    """Split the ``-z`` log stream into (header fields, file deltas) per commit."""
    buf = b""
    for chunk in chunks:
        buf += chunk
        *complete, buf = buf.split(b"\x1e")
        for rec in complete:
            if rec:
                yield _record(rec)
    if buf.strip(b"\0\n"):
        yield _record(buf)


def _record(rec: bytes) -> tuple[list[str], list[FileDelta]]:
    head, _, body = rec.partition(b"\x1d")
    fields = head.decode("utf-8", "replace").split("\x1f")
    tokens = body.split(b"\0")
    deltas: list[FileDelta] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i].lstrip(b"\n")
        i += 1
        if not tok:
            continue
        added, _, rest = tok.partition(b"\t")
        deleted, _, path = rest.partition(b"\t")
        old = None
        if not path:  # rename or copy: old and new paths follow as their own tokens
            old, path = tokens[i], tokens[i + 1]
            i += 2
        deltas.append(
            FileDelta(
                path.decode("utf-8", "replace"),
                int(added) if added.isdigit() else None,
                int(deleted) if deleted.isdigit() else None,
                old.decode("utf-8", "replace") if old else None,
            )
        )
    return fields, deltas


def record(index: Index, fields: list[str], deltas: list[FileDelta]) -> Mined | None:
    """Add one parsed commit to ``index``: its metrics against the history before it, then the
    history with it. None for a record too short to be a commit."""
    if len(fields) < 5:
        return None
    sha, at, email, parents, message = fields[:5]
    author = email.lower()
    when = float(at or 0)
    fix = is_fix(message)
    metrics = compute(deltas, author, when, fix, index.history)
    index.history.record(author, when, deltas)
    mined = Mined(
        sha,
        when,
        author,
        tuple(parents.split()),
        fix,
        bool(_AI.search(message)),
        metrics,
        message.strip()[:2000],
        tuple(d.path for d in deltas),
    )
    index.commits.append(mined)
    return mined
