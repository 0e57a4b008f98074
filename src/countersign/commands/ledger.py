"""``countersign ledger init|verify|checkpoint|export|keys``: create a ledger; check the chain
and signatures and say where it breaks; write a signed checkpoint to commit; write the entries
(and DSSE envelopes for approvals) for auditors; list the signing keys against the pins and
rotate this machine's."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import IO

import click

from countersign.config import CONFIG_DIR
from countersign.errors import InputError, LedgerError
from countersign.intake.git import repo_root
from countersign.signoff.checkpoint import CHECKPOINT_FILE, with_line
from countersign.signoff.checkpointing import CheckpointRefusedError, checkpoint_of
from countersign.signoff.export import export as export_records
from countersign.signoff.keys import load_or_create, machine_label, rotate
from countersign.signoff.ledger import now_iso
from countersign.signoff.pins import PIN_FILE
from countersign.workspace import Environment, ledger_for


def _root(cwd: Path) -> Path:
    try:
        return repo_root(cwd)
    except InputError:
        return cwd


def _environment(location: str | None) -> Environment:
    """The process environment, with ``--ledger`` over ``$COUNTERSIGN_LEDGER``."""
    env = Environment.from_process()
    return replace(env, ledger=location, ledger_typed=True) if location else env


def verify(cwd: Path, *, location: str | None) -> int:
    ledger = ledger_for(_root(cwd), _environment(location))
    start = time.perf_counter()
    report = ledger.verify()
    took = time.perf_counter() - start
    keys = ", ".join(report.keys) or "none"
    click.echo(
        f"ledger {report.location}: {report.entries} entries, signed by {keys} "
        f"(verified in {took:.2f} s)"
    )
    if ledger.pins is None:
        click.echo(
            f"UNPINNED: no keys pinned (.countersign/{PIN_FILE}), any key recorded in the "
            "ledger is believed; `countersign ledger keys` shows what to pin"
        )
    else:
        click.echo(f"only keys pinned in {ledger.pins.source} are believed")
    checkpoint = ledger.checkpoint
    if checkpoint is None:
        click.echo(
            f"no checkpoint of this ledger is committed (.countersign/{CHECKPOINT_FILE}): a "
            "machine that never read it cannot see a rewind; `countersign ledger checkpoint`"
        )
    else:
        click.echo(f"compared with the checkpoint at entry {checkpoint.seq} in {checkpoint.source}")
    if report.ok:
        click.echo("OK: chain intact, every signature valid, no policy rollback.")
        return 0
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    raise LedgerError(
        f"{len(report.problems)} problem(s) found; the ledger cannot be trusted: "
        "restore it from a copy and investigate"
    )


def init(cwd: Path, *, location: str | None) -> int:
    ledger = ledger_for(_root(cwd), _environment(location))
    ledger.store.create()
    click.echo(f"ledger {ledger.store.location}: ready ({len(ledger.records())} entries)")
    return 0


def checkpoint(cwd: Path, *, location: str | None) -> int:
    """Verify in full, then write this ledger's checkpoint line (signed by this machine's
    pinned key) in the working tree's ``.countersign/ledger-checkpoints``, to be committed."""
    root = _root(cwd)
    ledger = ledger_for(root, _environment(location))
    try:
        made, head = checkpoint_of(ledger, now_iso())
    except CheckpointRefusedError as exc:
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise
    path = root / CONFIG_DIR / CHECKPOINT_FILE
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(with_line(current, made), encoding="utf-8")
    click.echo(
        f"checkpoint of {ledger.store.location} at entry {head.seq} written to "
        f"{CONFIG_DIR}/{CHECKPOINT_FILE}; commit it to the protected branch"
    )
    return 0


def export(cwd: Path, *, location: str | None, output: str | None, dsse: str | None) -> int:
    ledger = ledger_for(_root(cwd), _environment(location))
    done = export_records(ledger, envelopes=bool(dsse))
    with _open(output) as out:
        for line in done.records:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    if dsse:
        with _open(dsse) as out:
            for signed in done.envelopes:
                out.write(json.dumps(signed) + "\n")
    click.echo(
        f"exported {len(done.records)} entries"
        + (f" and {done.approvals} approval envelopes" if dsse else ""),
        err=True,
    )
    return 0


def keys(cwd: Path, *, location: str | None, rotate_key: bool) -> int:
    """Which keys signed which entries and whether they are pinned (read without verifying,
    so a ledger that fails ``verify`` can still be examined); this machine's pin line."""
    ledger = ledger_for(_root(cwd), _environment(location))
    spans: dict[str, list[int]] = {}
    for row in ledger.store.rows():
        spans.setdefault(row.key_id, []).append(row.seq)
    pins = {p.key_id: p for p in ledger.pins.pins} if ledger.pins else {}
    click.echo(f"ledger {ledger.store.location}: {len(spans)} signing key(s)")
    for kid, seqs in spans.items():
        pin = pins.get(kid)
        if ledger.pins is None:
            status = "not pinned (no pins: every recorded key is believed)"
        elif pin is None:
            status = "NOT PINNED: its entries fail verify"
        else:
            status = f"pinned{f' ({pin.label})' if pin.label else ''}"
            status += f", retired after entry {pin.until}" if pin.until is not None else ""
        click.echo(f"  {kid}  entries {seqs[0]}-{seqs[-1]} ({len(seqs)})  {status}")
    if rotate_key:
        old, mine = rotate(ledger.state_dir)
        head = max((s for seqs in spans.values() for s in seqs), default=0)
        if old is not None:
            click.echo(
                f"retired this machine's key {old.key_id}: add until={head} to its pin so "
                "nothing later can be signed with it; its earlier entries still verify"
            )
    else:
        mine = load_or_create(ledger.state_dir)
    click.echo(f"this machine signs with {mine.key_id}; its line for .countersign/{PIN_FILE}:")
    click.echo(f"  {mine.public_text}  {machine_label()}")
    if ledger.pins is not None and mine.key_id not in pins:
        click.echo(
            f"  (not pinned yet: this machine cannot write the ledger until that line is "
            f"committed in {ledger.pins.source})"
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
