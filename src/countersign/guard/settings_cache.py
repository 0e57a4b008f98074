"""guard.yaml as committed on the protected branch, cached where the fast path can read it
without git: ``guard-settings.json`` in the state directory holds the refs it was read from with
their commits, the file's text (None: not committed there) and whether it records allows. It is
believed only while every one of those refs still points where it did (``pack_cache.ref_commit``);
otherwise the full path reads the file again with git and rewrites the cache.

Standard library and ``os.path`` only: this runs before every shell command an agent issues.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from countersign.guard.pack_cache import ref_commit

FILE = "guard-settings.json"


@dataclass(frozen=True)
class Committed:
    """What the protected branch says: ``text`` None when it has no guard.yaml (defaults),
    ``ref`` the branch it was read at (None: no protected branch has a commit yet)."""

    refs: list[tuple[str, str | None]]
    ref: str | None
    text: str | None
    log_allows: bool


def cached(common: str, state: str) -> Committed | None:
    """The cached reading, or None when it is missing, unreadable or no longer current."""
    try:
        with open(os.path.join(state, FILE), encoding="utf-8") as fh:  # noqa: PTH118, PTH123
            data = json.load(fh)
        refs = [(str(ref), None if commit is None else str(commit)) for ref, commit in data["refs"]]
        if any(ref_commit(common, ref) != commit for ref, commit in refs):
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
    try:
        os.makedirs(state, exist_ok=True)  # noqa: PTH103
        path = os.path.join(state, FILE)  # noqa: PTH118
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:  # noqa: PTH123
            json.dump(data, fh)
        os.replace(tmp, path)  # noqa: PTH105
    except OSError:
        return  # no cache: the fast path keeps sending commands to the full path
