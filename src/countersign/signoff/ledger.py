"""The ledger: an append-only log of decisions and sign-offs.

First version: JSON lines in ``.countersign/ledger.jsonl``; the signed, hash-chained store with
SQLite and PostgreSQL back ends replaces it behind the same two methods.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from countersign.errors import LedgerError
from countersign.signoff.approvals import Approval, BreakGlass, ChangeRecord, SignOffs


class Ledger(Protocol):
    def append(self, kind: str, payload: dict[str, Any]) -> None: ...

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]: ...


class JsonlLedger:
    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, kind: str, payload: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"kind": kind, **payload}, sort_keys=True, ensure_ascii=False)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        out: list[dict[str, Any]] = []
        with self.path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    raise LedgerError(
                        f"{self.path}:{number}: corrupted entry; run "
                        "`countersign ledger verify` and restore from a copy"
                    ) from None
                if kind is None or entry.get("kind") == kind:
                    out.append(entry)
        return out


def signoffs_for(ledger: Ledger, fingerprint: str) -> SignOffs:
    entries = [e for e in ledger.entries() if e.get("fingerprint") == fingerprint]
    return SignOffs(
        approvals=tuple(
            Approval(
                e["approver"], fingerprint, e.get("at", ""), e.get("requirement"), e.get("note", "")
            )
            for e in entries
            if e["kind"] == "approval"
        ),
        records=tuple(
            ChangeRecord(fingerprint, dict(e.get("fields", {})), e.get("author", ""))
            for e in entries
            if e["kind"] == "change-record"
        ),
        break_glass=tuple(
            BreakGlass(fingerprint, e["who"], e["reason"], e["incident"], e.get("expires", ""))
            for e in entries
            if e["kind"] == "break-glass"
        ),
    )
