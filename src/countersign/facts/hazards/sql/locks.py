"""PostgreSQL's table-level lock modes (documentation, "Explicit Locking"), and the sentence a
finding uses to say what each one blocks while it is held."""

from __future__ import annotations

from enum import StrEnum


class Lock(StrEnum):
    ACCESS_SHARE = "ACCESS SHARE"
    ROW_SHARE = "ROW SHARE"
    ROW_EXCLUSIVE = "ROW EXCLUSIVE"
    SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
    SHARE = "SHARE"
    SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
    EXCLUSIVE = "EXCLUSIVE"
    ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"

    @property
    def blocks(self) -> str:
        return _BLOCKS[self]


_BLOCKS = {
    Lock.ACCESS_SHARE: "blocks only ACCESS EXCLUSIVE",
    Lock.ROW_SHARE: "blocks EXCLUSIVE and ACCESS EXCLUSIVE",
    Lock.ROW_EXCLUSIVE: "blocks schema changes and index builds",
    Lock.SHARE_UPDATE_EXCLUSIVE: "blocks other schema changes and VACUUM, not reads or writes",
    Lock.SHARE: "blocks writes, not reads",
    Lock.SHARE_ROW_EXCLUSIVE: "blocks writes, not reads",
    Lock.EXCLUSIVE: "blocks writes and row locks, only plain reads go on",
    Lock.ACCESS_EXCLUSIVE: "blocks reads and writes",
}

# LockStmt.mode numbers (lockdefs.h): 1 AccessShare ... 8 AccessExclusive.
BY_NUMBER = dict(enumerate(Lock, start=1))


def held(lock: Lock, on: str) -> str:
    """``takes ACCESS EXCLUSIVE on t (blocks reads and writes)``."""
    return f"takes {lock} on {on} ({lock.blocks})"
