"""Builders for in-memory commits and changes: provenance sources are pure, no git needed."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from typing import Any

import pytest

from countersign.intake.change import Change, Commit

_SHAS = count(1)

HUMAN = ("Ada Lovelace", "ada@example.com")


def make_commit(message: str = "change", **kw: Any) -> Commit:
    author = kw.pop("author", HUMAN)
    committer = kw.pop("committer", author)
    return Commit(
        sha=kw.pop("sha", f"{next(_SHAS):040x}"),
        author_name=author[0],
        author_email=author[1],
        committer_name=committer[0],
        committer_email=committer[1],
        authored_at=kw.pop("authored_at", 1_700_000_000),
        message=message,
        parents=kw.pop("parents", ("0" * 40,)),
        notes=kw.pop("notes", {}),
        committed_at=kw.pop("committed_at", 1_700_000_000),
        paths=kw.pop("paths", ("app.py",)),
        lines_added=kw.pop("lines_added", 10),
    )


def make_change(*commits: Commit, **kw: Any) -> Change:
    return Change(
        base="b" * 40,
        head=commits[-1].sha if commits else None,
        fingerprint="cs1:x",
        commits=commits,
        **kw,
    )


@pytest.fixture(name="make_commit")
def make_commit_fixture() -> Callable[..., Commit]:
    return make_commit


@pytest.fixture(name="make_change")
def make_change_fixture() -> Callable[..., Change]:
    return make_change
