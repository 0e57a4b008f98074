"""guard.yaml as committed on the protected branch, cached where the fast path can read it
without git: ``guard-settings.json`` in the state directory holds the refs it was read from with
their commits, the file's text (None: not committed there) and whether it records allows. It is
believed only while every one of those refs still points where it did (``pack_cache.refs_current``);
otherwise the full path reads the file again with git and rewrites the cache.

Standard library and ``os.path`` only: this runs before every shell command an agent issues.
"""

from __future__ import annotations

import json
import os

from countersign.guard.pack_cache import refs_current, write_cache

FILE = "guard-settings.json"


class Committed:
    """What the protected branch says: ``text`` None when it has no guard.yaml (defaults),
    ``ref`` the branch it was read at (None: no protected branch has a commit yet).

    A plain class, not a dataclass: importing ``dataclasses`` (with ``inspect``) and building
    one costs more than the rest of the fast path together (47 M + about 4 M instructions)."""

    __slots__ = ("log_allows", "ref", "refs", "text")

    def __init__(
        self,
        refs: list[tuple[str, str | None]],
        ref: str | None,
        text: str | None,
        log_allows: bool,
    ) -> None:
        self.refs = refs
        self.ref = ref
        self.text = text
        self.log_allows = log_allows

    def allowing(self, log_allows: bool) -> Committed:
        return Committed(self.refs, self.ref, self.text, log_allows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Committed):
            return NotImplemented
        return (self.refs, self.ref, self.text, self.log_allows) == (
            other.refs,
            other.ref,
            other.text,
            other.log_allows,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable list inside, as the dataclass had


def cached(common: str, state: str, seen: dict[str, str | None] | None = None) -> Committed | None:
    """The cached reading, or None when it is missing, unreadable or no longer current."""
    try:
        with open(os.path.join(state, FILE), encoding="utf-8") as fh:  # noqa: PTH118, PTH123
            data = json.load(fh)
        refs = [(str(ref), None if commit is None else str(commit)) for ref, commit in data["refs"]]
        if not refs_current(common, refs, seen):
            return None
        text = data["text"]
        return Committed(
            refs,
            None if data["ref"] is None else str(data["ref"]),
            None if text is None else str(text),
            data["log_allows"] is True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(state: str, committed: Committed) -> None:
    data = {
        "refs": committed.refs,
        "ref": committed.ref,
        "text": committed.text,
        "log_allows": committed.log_allows,
    }
    write_cache(state, FILE, data)
