"""The ledger's sign-offs and break-glass uses as friction records: the rule of each approved
requirement, the approver's level when recorded, and the request time (the approved head's
commit time, read from git: the change was ready for review then)."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from countersign.facts.insight.friction import GlassUse, SignOff
from countersign.signoff.approvals import FOLLOW_UP
from countersign.signoff.ledger import Ledger


def _ts(text: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return None


def _commit_times(root: Path, shas: set[str]) -> dict[str, float]:
    known = sorted(s for s in shas if s)
    if not known:
        return {}
    proc = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch-check=%(objectname) %(objecttype)"],
        input="\n".join(known).encode(),
        capture_output=True,
        check=False,
    )
    commits = [ln.split()[0] for ln in proc.stdout.decode().splitlines() if ln.endswith(" commit")]
    if not commits:
        return {}
    out = subprocess.run(
        ["git", "-C", str(root), "show", "-s", "--format=%H %ct", *commits],
        capture_output=True,
        check=False,
    )
    times = {}
    for line in out.stdout.decode().splitlines():
        sha, _, ct = line.partition(" ")
        times[sha] = float(ct)
    return times


def records(root: Path, ledger: Ledger) -> tuple[list[SignOff], list[GlassUse]]:
    entries = ledger.entries()
    approvals = [e for e in entries if e["kind"] == "approval"]
    times = _commit_times(root, {str(e.get("head") or "") for e in approvals})
    signoffs = []
    follow_ups: dict[str, float] = {}
    for e in approvals:
        at = _ts(e.get("at"))
        if at is None:
            continue
        reqs = [str(r) for r in e.get("requirements") or ()]
        if FOLLOW_UP in reqs:
            follow_ups.setdefault(str(e.get("fingerprint")), at)
            continue
        signoffs.append(
            SignOff(
                rules=tuple(dict.fromkeys(r.split("/", 1)[0] for r in reqs)),
                change=str(e.get("fingerprint", "")),
                approver=str(e.get("approver", "")),
                level=e.get("level"),
                at=at,
                requested=times.get(str(e.get("head") or "")),
            )
        )
    glass = [
        GlassUse(
            str(e.get("fingerprint")),
            str(e.get("who")),
            _ts(e.get("at")) or 0.0,
            follow_ups.get(str(e.get("fingerprint"))),
        )
        for e in entries
        if e["kind"] == "break-glass"
    ]
    return signoffs, glass
