"""The guard's one door to the ledger: decisions, approvals of actions and their use.

Until the signed ledger lands, a ``JsonlLedger`` in the state directory; switching is this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from countersign.signoff.ledger import Ledger

LEDGER_FILE = "ledger.jsonl"


def open_ledger(state_dir: Path) -> Ledger:
    from countersign.signoff.ledger import JsonlLedger

    return JsonlLedger(state_dir / LEDGER_FILE)
