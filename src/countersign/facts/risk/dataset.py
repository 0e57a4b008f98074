"""Labelled change metrics as rows, read from and written to the CSV format of the ISSTA'21
JIT dataset (``_id, date, bug, __`` and the 14 metrics, ``entrophy`` spelled as there)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from countersign.errors import InputError
from countersign.facts.risk.metrics import METRICS

# Column name in the dataset for each metric (the dataset spells entropy "entrophy").
COLUMNS = {m: ("entrophy" if m == "entropy" else m) for m in METRICS}


@dataclass(frozen=True)
class Row:
    sha: str
    date: float
    bug: int | None  # None: not labelled (too recent, or no fixes seen)
    metrics: Mapping[str, float]


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
