"""What ``countersign init`` commits so that a fresh machine (a CI runner that never read the
ledger) refuses a forged or rewound ledger from the first commit: this machine's ledger key
pinned in ``ledger-keys`` and, when the ledger already holds entries, a signed checkpoint of its
head in ``ledger-checkpoints``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from countersign.errors import LedgerError
from countersign.signoff.checkpoint import with_line
from countersign.signoff.checkpointing import CheckpointRefusedError, checkpoint_of
from countersign.signoff.keys import load_or_create, machine_label
from countersign.signoff.ledger import SignedLedger, now_iso

PIN_HEADER = """\
# Public keys allowed to sign the ledger (countersign ledger keys prints a machine's line).
# Entries signed by any other key fail verification on every machine. Add the line of each
# machine that records sign-offs (CI with a persistent key, the service) before it records;
# retire a key with until=N (the last entry it may sign).
"""


@dataclass(frozen=True)
class FirstPins:
    pins: str  # the text of ledger-keys
    key_id: str
    label: str
    checkpoint: str | None  # the text of ledger-checkpoints, None: nothing to checkpoint yet
    why_not: str  # why there is no checkpoint


def first_pins(
    state_dir: Path, ledger: Callable[[], SignedLedger], existing_checkpoints: str = ""
) -> FirstPins:
    """This machine's pin line (its key in ``state_dir``, created if need be) and the
    checkpoint of the ``ledger`` opened then, if it holds entries and verifies."""
    key = load_or_create(state_dir)
    label = machine_label()
    pins = f"{PIN_HEADER}{key.public_text}  {label}\n"
    try:
        made, _head = checkpoint_of(ledger(), now_iso())
    except CheckpointRefusedError as exc:
        return FirstPins(pins, key.key_id, label, None, str(exc))
    except LedgerError as exc:
        return FirstPins(pins, key.key_id, label, None, str(exc))
    return FirstPins(pins, key.key_id, label, with_line(existing_checkpoints, made), "")
