"""The change records insight reads: one per change, from a mined repository and the ledger or
from a plain CSV of someone else's data (``id, ai_assisted, failed, date`` plus optional
covariates)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from countersign.errors import InputError
from countersign.facts.incidents import iso


@dataclass(frozen=True)
class ChangeRecord:
    """``failed``: linked to an incident (or, with failure evidence from history, reverted or
    SZZ-blamed); ``evidence``: the kinds that said so. Covariates may be unknown (None)."""

    id: str
    date: float
    ai: bool
    failed: bool
    size: float | None = None  # lines added + deleted
    risk: float | None = None  # the risk model's probability
    tier: int | None = None
    level: str | None = None
    service: str | None = None
    author: str | None = None
    rework: bool | None = None
    restore_hours: float | None = None
    gated: bool | None = None  # would the current policy have asked for a sign-off?
    evidence: tuple[str, ...] = field(default=())


COLUMNS = ("id", "ai_assisted", "failed", "date")
OPTIONAL = ("size", "risk", "tier", "level", "service", "author", "rework", "restore_hours",
            "gated")  # fmt: skip
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}


def _flag(value: str, where: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{where}: expected true/false or 1/0, got {value!r}")


def _number(value: str, where: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: expected a finite number, got {value!r}")
    return number


def _date(value: str, where: str) -> float:
    text = value.strip()
    try:
        return float(text) if text.replace(".", "", 1).isdigit() else _iso_ts(text, where)
    except ValueError:
        raise InputError(f"{where}: expected a date (ISO 8601 or epoch seconds)") from None


def _iso_ts(text: str, where: str) -> float:
    if len(text) == 10:  # a plain date
        text += "T00:00:00"
    return datetime.fromisoformat(iso(text, where)).astimezone(UTC).timestamp()


def read_csv(text: str, name: str) -> list[ChangeRecord]:
    """Change records from CSV text; every problem names the file, line and column."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{name}: missing column {missing[0]!r}; a changes CSV needs {', '.join(COLUMNS)} "
            f"(optional: {', '.join(OPTIONAL)})"
        )
    unknown = [c for c in header if c not in COLUMNS + OPTIONAL]
    if unknown:
        raise InputError(f"{name}: unknown column {unknown[0]!r} (optional: {', '.join(OPTIONAL)})")
    out = []
    for n, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(f"{name}:{n}: more cells than header columns")

        def cell(col: str, line: int = n, row: dict[str, str] = row) -> tuple[str, str]:
            return (row.get(col) or "").strip(), f"{name}:{line}: {col}"

        values = {c: cell(c) for c in header}
        for c in COLUMNS:
            if not values[c][0]:
                raise InputError(f"{values[c][1]}: empty")

        def opt_num(col: str, v: dict[str, tuple[str, str]] = values) -> float | None:
            text, where = v.get(col, ("", ""))
            return _number(text, where) if text else None

        def opt_flag(col: str, v: dict[str, tuple[str, str]] = values) -> bool | None:
            text, where = v.get(col, ("", ""))
            return _flag(text, where) if text else None

        tier = opt_num("tier")
        out.append(
            ChangeRecord(
                id=values["id"][0],
                date=_date(*values["date"]),
                ai=_flag(*values["ai_assisted"]),
                failed=_flag(*values["failed"]),
                size=opt_num("size"),
                risk=opt_num("risk"),
                tier=int(tier) if tier is not None else None,
                level=values.get("level", ("", ""))[0] or None,
                service=values.get("service", ("", ""))[0] or None,
                author=values.get("author", ("", ""))[0] or None,
                rework=opt_flag("rework"),
                restore_hours=opt_num("restore_hours"),
                gated=opt_flag("gated"),
            )
        )
    if not out:
        raise InputError(f"{name}: no changes (only a header row)")
    return out


def _optional(r: ChangeRecord) -> tuple[object, ...]:
    return (r.size, r.risk, r.tier, r.level, r.service, r.author, r.rework, r.restore_hours,
            r.gated)  # fmt: skip


def write_csv(records: list[ChangeRecord]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow((*COLUMNS, *OPTIONAL))
    for r in records:
        writer.writerow(
            (
                r.id,
                int(r.ai),
                int(r.failed),
                datetime.fromtimestamp(r.date, UTC).date().isoformat(),
                *(
                    "" if v is None else (int(v) if isinstance(v, bool) else v)
                    for v in _optional(r)
                ),
            )
        )
    return buf.getvalue()
