"""Vouch for a ledger: a signed checkpoint of its head, made only of a ledger that verifies in
full, is not empty, and by a machine whose key the pins allow (the rule ``ledger checkpoint``
applies; the command only writes the line to the checkpoint file)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from countersign.errors import LedgerError
from countersign.signoff.chain import Head
from countersign.signoff.checkpoint import Checkpoint, make

if TYPE_CHECKING:
    from countersign.signoff.ledger import SignedLedger


class CheckpointRefusedError(LedgerError):
    """A checkpoint would vouch for a ledger that cannot be trusted; ``problems`` says why."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def checkpoint_of(ledger: SignedLedger, at: str) -> tuple[Checkpoint, Head]:
    report = ledger.verify()
    if not report.ok:
        raise CheckpointRefusedError(
            f"{len(report.problems)} problem(s) found; a checkpoint of an untrustworthy "
            "ledger would vouch for it: run `countersign ledger verify`",
            tuple(str(p) for p in report.problems),
        )
    entries = ledger.records()
    if not entries:
        raise CheckpointRefusedError(
            f"{ledger.store.location}: the ledger is empty; nothing to checkpoint"
        )
    if ledger.pins is not None and not ledger.pins.may_sign(ledger.key.key_id, entries[-1].seq):
        raise CheckpointRefusedError(
            f"this machine's key {ledger.key.key_id} is not pinned in {ledger.pins.source}; "
            "checkpoint from a pinned machine (CI)"
        )
    head = Head(entries[-1].seq, entries[-1].hash)
    return make(ledger.store.location, head, at, ledger.key), head
