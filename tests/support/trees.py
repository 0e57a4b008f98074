"""A directory of files for a test, written from a mapping of relative path to content."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from countersign.intake.tree import DirTree


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> DirTree:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return DirTree(root)
