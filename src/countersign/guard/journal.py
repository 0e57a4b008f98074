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
    from countersign.signoff.ledger import open_ledger as open_signed
    from countersign.signoff.pins import pins_in

    pins = pins_in(root) if root is not None else None
    return open_signed(ledger_location(state_dir, root), state_dir, pins)
