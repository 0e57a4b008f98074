"""Labelled change metrics as rows, read from and written to the CSV format of the ISSTA'21
JIT dataset (``_id, date, bug, __`` and the 14 metrics, ``entrophy`` spelled as there)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from countersign.errors import InputError
from countersign.facts.risk.metrics import METRICS

# Column name in the dataset for each metric (the dataset spells entropy "entrophy").
_SHA = re.compile(r"[0-9a-f]{40}")
COLUMNS = {m: ("entrophy" if m == "entropy" else m) for m in METRICS}


@dataclass(frozen=True)
class Row:
    sha: str
    date: float
    bug: int | None  # None: not labelled (too recent, or no fixes seen)
    metrics: Mapping[str, float]
    # the words of its message and paths (``text.tokens``), for a mined commit; none in a CSV
    tokens: frozenset[str] = frozenset()


def read_csv(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the dataset ({exc.strerror})") from exc
    return parse_csv(text, str(path))


def parse_csv(text: str, origin: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    wanted = {m: next((c for c in (col, m) if c in header), None) for m, col in COLUMNS.items()}
    missing = [COLUMNS[m] for m, c in wanted.items() if c is None]
    missing += [c for c in ("date", "bug") if c not in header]
    if missing:
        raise InputError(
            f"{origin}: missing column(s) {', '.join(missing)}; expected the ISSTA'21 JIT "
            f"format (_id, date, bug and the 14 metrics)"
        )
    rows = []
    for n, rec in enumerate(reader, start=2):
        try:
            bug_text = (rec["bug"] or "").strip()
            rows.append(
                Row(
                    sha=rec.get("_id") or rec.get("commit_id") or str(n),
                    date=float(rec["date"]),
                    bug=int(float(bug_text)) if bug_text else None,
                    metrics={m: float(rec[c] or 0) for m, c in wanted.items() if c},
                )
            )
        except (TypeError, ValueError) as exc:
            raise InputError(f"{origin}:{n}: not a number ({exc}); fix or drop the row") from exc
    if not rows:
        raise InputError(f"{origin}: no rows")
    return rows


def write_csv(rows: Iterable[Row], out: TextIO, extra: Iterable[str] = ()) -> None:
    extras = list(extra)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["_id", "date", "bug", "__", *COLUMNS.values(), *extras])
    for r in rows:
        bug = "" if r.bug is None else str(r.bug)
        values = [_fmt(r.metrics.get(m, 0.0)) for m in METRICS]
        writer.writerow(
            [
                r.sha,
                int(r.date),
                bug,
                bug,
                *values,
                *(_fmt(r.metrics[e]) if e in r.metrics else "" for e in extras),
            ]
        )


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.6g}"


ID_COLUMNS = ("_id", "commit_id", "commit", "sha", "hash")
LABEL_COLUMNS = ("bug", "label", "buggy", "contains_bug", "is_inducing")


@dataclass(frozen=True)
class ExternalLabels:
    """Labels from a CSV (a commit id column and a 0/1 column): sha -> label."""

    labels: Mapping[str, int]
    duplicates: int  # rows repeating an id with the same label (ignored)


def is_label_csv(text: str) -> bool:
    """Whether ``text`` starts with a CSV header naming a commit id and a label column."""
    first = text.split("\n", 1)[0].strip().lower()
    header = {c.strip() for c in next(csv.reader([first]), [])}
    return bool(header & set(ID_COLUMNS)) and bool(header & set(LABEL_COLUMNS))


def parse_labels(text: str, origin: str) -> ExternalLabels:
    """Read external labels; a malformed row, or an id given twice with different labels,
    is an error naming its line."""
    reader = csv.reader(io.StringIO(text))
    header = [c.strip().lower() for c in next(reader, [])]
    id_col = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    bug_col = next((header.index(c) for c in LABEL_COLUMNS if c in header), None)
    if id_col is None or bug_col is None:
        raise InputError(
            f"{origin}: expected a header with a commit id column ({', '.join(ID_COLUMNS)}) and "
            f"a 0/1 label column ({', '.join(LABEL_COLUMNS)})"
        )
    labels: dict[str, int] = {}
    duplicates = 0
    for n, rec in enumerate(reader, start=2):
        if not rec or not any(x.strip() for x in rec):
            continue
        if len(rec) <= max(id_col, bug_col):
            raise InputError(f"{origin}:{n}: {len(rec)} columns, expected {len(header)}")
        sha, value = rec[id_col].strip().lower(), rec[bug_col].strip()
        if not _SHA.fullmatch(sha):
            raise InputError(f"{origin}:{n}: {rec[id_col]!r} is not a commit id")
        try:
            bug = int(float(value))
        except ValueError:
            bug = -1
        if bug not in (0, 1):
            raise InputError(f"{origin}:{n}: label {value!r} is not 0 or 1")
        if sha in labels:
            if labels[sha] != bug:
                raise InputError(f"{origin}:{n}: {sha} is labelled both 0 and 1")
            duplicates += 1
        labels[sha] = bug
    if not labels:
        raise InputError(f"{origin}: no labelled rows")
    return ExternalLabels(labels, duplicates)
