"""The guard's one door to the ledger: decisions, approvals of actions and their use.

They go to the repository's signed ledger (``$COUNTERSIGN_LEDGER`` or ``.countersign/ledger.db``),
the same one that holds change approvals; outside a repository, to ``ledger.db`` in the state
directory. Imported only when something must be recorded, never on the plain-allow path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from countersign.signoff.ledger import SignedLedger

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
    from countersign.signoff.checkpoint import PUBLISHED, checkpoints_in
    from countersign.signoff.ledger import open_ledger as open_signed
    from countersign.signoff.pins import pins_in, protected_rev
    from countersign.state_dir import state_dir as user_state

    pins = checkpoints = None
    if root is not None:
        rev = protected_rev(root)
        pins, checkpoints = pins_in(root, rev), checkpoints_in(root, (rev, *PUBLISHED))
    home = user_state(None, {k: v for k, v in os.environ.items() if k != "COUNTERSIGN_STATE_DIR"})
    return open_signed(
        ledger_location(state_dir, root),
        state_dir,
        pins,
        checkpoints=checkpoints or (),
        witness_dirs=() if home == state_dir else (home,),
    )
