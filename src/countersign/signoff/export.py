"""What ``countersign ledger export`` writes for auditors: one record per verified entry (its
chain position, hash, signature and the public key that made it) and, for approvals, DSSE
envelopes signed with this machine's key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from countersign.signoff.envelope import envelope

if TYPE_CHECKING:
    from countersign.signoff.ledger import SignedLedger


@dataclass(frozen=True)
class Export:
    records: tuple[dict[str, Any], ...]
    envelopes: tuple[dict[str, Any], ...]
    approvals: int


def export(ledger: SignedLedger, *, envelopes: bool) -> Export:
    """Every entry of ``ledger`` as an export record, and the approvals' DSSE envelopes when
    ``envelopes``. Raises ``LedgerError`` if the chain does not verify."""
    entries = ledger.records()
    keys = ledger.store.keys()
    rows = {row.seq: row for row in ledger.store.rows()}
    records = []
    for entry in entries:
        row = rows[entry.seq]
        records.append(
            {
                "seq": row.seq,
                "hash": row.hash,
                "sig": row.sig,
                "key": row.key_id,
                "public_key": keys.get(row.key_id, ""),
                "entry": row.body,
            }
        )
    approvals = [e for e in entries if e.kind == "approval"]
    signed = tuple(envelope(e, ledger.key) for e in approvals) if envelopes else ()
    return Export(tuple(records), signed, len(approvals))
