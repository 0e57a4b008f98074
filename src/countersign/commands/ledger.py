"""``countersign ledger verify|export``: check the chain and signatures and say where it breaks;
write the entries (and DSSE envelopes for approvals) for auditors."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import IO

import click

from countersign.commands.workspace import ledger_for
from countersign.errors import InputError, LedgerError
from countersign.intake.git import repo_root
from countersign.signoff.envelope import envelope


def _root(cwd: Path) -> Path:
    try:
        return repo_root(cwd)
    except InputError:
        return cwd


def verify(cwd: Path, *, location: str | None) -> int:
    ledger = ledger_for(_root(cwd), location)
    start = time.perf_counter()
    report = ledger.verify()
    took = time.perf_counter() - start
    keys = ", ".join(report.keys) or "none"
    click.echo(
        f"ledger {report.location}: {report.entries} entries, signed by {keys} "
        f"(verified in {took:.2f} s)"
    )
    if report.ok:
        click.echo("OK: chain intact, every signature valid, no policy rollback.")
        return 0
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    raise LedgerError(
        f"{len(report.problems)} problem(s) found; the ledger cannot be trusted: "
        "restore it from a copy and investigate"
    )


def export(cwd: Path, *, location: str | None, output: str | None, dsse: str | None) -> int:
    ledger = ledger_for(_root(cwd), location)
    entries = ledger.records()  # raises LedgerError if the chain does not verify
    keys = ledger.store.keys()
    rows = {row.seq: row for row in ledger.store.rows()}
    with _open(output) as out:
        for entry in entries:
            row = rows[entry.seq]
            line = {
                "seq": row.seq,
                "hash": row.hash,
                "sig": row.sig,
                "key": row.key_id,
                "public_key": keys.get(row.key_id, ""),
                "entry": row.body,
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    approvals = [e for e in entries if e.kind == "approval"]
    if dsse:
        with _open(dsse) as out:
            for entry in approvals:
                out.write(json.dumps(envelope(entry, ledger.key)) + "\n")
    click.echo(
        f"exported {len(entries)} entries"
        + (f" and {len(approvals)} approval envelopes" if dsse else ""),
        err=True,
    )
    return 0


class _open:  # noqa: N801 - used like open()
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path in (None, "-"):
            return sys.stdout
        self.fh = Path(str(self.path)).open("w", encoding="utf-8")
        return self.fh

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()
