"""Entry point of ``countersign guard``: imports as little as possible (it runs before every
shell command an agent issues)."""

from __future__ import annotations

import sys


def run_guard(args: list[str]) -> int:
    sys.stderr.write("countersign guard: not available yet\n")
    return 3
