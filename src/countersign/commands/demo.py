"""``countersign demo``: a sample monorepo and a risky AI-assisted change, end to end."""

from __future__ import annotations


def demo(*, keep: bool) -> int:
    return 0
