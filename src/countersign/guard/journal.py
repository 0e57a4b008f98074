"""The guard's one door to the ledger: decisions, approvals of actions and their use.

They go to the repository's signed ledger (``$COUNTERSIGN_LEDGER`` or ``.countersign/ledger.db``),
the same one that holds change approvals; outside a repository, to ``ledger.db`` in the state
directory. Imported only when something must be recorded, never on the plain-allow path.
"""

from __future__ import annotations

import os
from pathlib import Path

TYPE_CHECKING = False  # typing stays off the guard's ask path

if TYPE_CHECKING:
    from countersign.signoff.checkpoint import Checkpoint
    from countersign.signoff.ledger import SignedLedger
    from countersign.signoff.pins import Pins

LEDGER_FILE = "ledger.db"


def ledger_location(state_dir: Path, root: Path | None) -> str:
    from countersign.config import CONFIG_DIR
    from countersign.signoff.ledger import ENV_LEDGER

    override = os.environ.get(ENV_LEDGER)
    if override:
        return override
    return str(root / CONFIG_DIR / LEDGER_FILE if root else state_dir / LEDGER_FILE)


def open_ledger(state_dir: Path, root: Path | None = None) -> SignedLedger:
    """Read against the checkpoints committed on the protected branch, with a second witness
    in the user's state directory: a spent action approval is a ledger entry, and putting back
    an older copy of the ledger (with the repository's witness) does not bring it back."""
    from countersign.signoff.ledger import open_ledger as open_signed
    from countersign.state_dir import state_dir as user_state

    pins = checkpoints = None
    if root is not None:
        pins, checkpoints = _trusted(root)
    home = user_state(None, {k: v for k, v in os.environ.items() if k != "COUNTERSIGN_STATE_DIR"})
    return open_signed(
        ledger_location(state_dir, root),
        state_dir,
        pins,
        checkpoints=checkpoints or (),
        witness_dirs=() if home == state_dir else (home,),
    )


def _trusted(root: Path) -> tuple[Pins | None, tuple[Checkpoint, ...]]:
    """The pins and checkpoints of the protected branch, read in-process (``ledger_trust``),
    else by git where that reader stops."""
    from countersign.guard.ledger_trust import CHECKPOINT_PATH, PIN_PATH, committed
    from countersign.signoff.checkpoint import PUBLISHED, checkpoints_in, parse
    from countersign.signoff.pins import parse_pins, pins_in, protected_rev

    found = committed(str(root))
    if found is None:
        rev = protected_rev(root)
        return pins_in(root, rev), checkpoints_in(root, (rev, *PUBLISHED))
    rev, pins, files = found
    checkpoints: list[Checkpoint] = []
    for at, text in files:
        checkpoints.extend(parse(text.decode("utf-8", "replace"), f"{CHECKPOINT_PATH} at {at}"))
    return (
        parse_pins(pins.decode("utf-8", "replace"), PIN_PATH) if pins is not None else None,
        tuple(checkpoints),
    )
