"""Small wording rules shared by the renderers, so every output counts things the same way."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 file``, ``2 files``, ``0 files``."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
