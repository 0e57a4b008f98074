"""Changed files built in memory, as intake gives them (texts and changed lines)."""

from __future__ import annotations

import difflib

from countersign.intake.change import FileChange, FileStatus, Line


def modified(path: str, old: str, new: str) -> FileChange:
    """A modified file with both texts and the lines the diff adds and removes."""
    a, b = old.splitlines(), new.splitlines()
    removed: list[Line] = []
    added: list[Line] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op != "equal":
            removed.extend(Line(i + 1, a[i]) for i in range(i1, i2))
            added.extend(Line(j + 1, b[j]) for j in range(j1, j2))
    return FileChange(
        path,
        FileStatus.MODIFIED,
        added=tuple(added),
        removed=tuple(removed),
        old_text=old,
        new_text=new,
    )
