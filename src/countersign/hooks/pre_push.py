"""The ``pre-push`` hook: a push that moves a protected branch (main, release/*, ...) may carry
only signed-off changes, the same rule the deploy gate applies. Pushes to other branches pass:
their sign-offs come in review, after the push."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

ZERO = "0" * 40


@dataclass(frozen=True)
class Push:
    branch: str
    old: str  # what the remote has now
    new: str  # what it will have


def protected_pushes(stdin: str, protected: tuple[str, ...]) -> tuple[Push, ...]:
    """The lines git gives the hook (``<local ref> <local sha> <remote ref> <remote sha>``) that
    update an existing protected branch. Deletions and new branches are left to the server's
    own protections: there is no deployed state here to verify against."""
    pushes = []
    for line in stdin.splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        _, new, ref, old = parts
        branch = ref.removeprefix("refs/heads/")
        if ref == branch or ZERO in (new, old):
            continue
        if any(fnmatch.fnmatchcase(branch, p) for p in protected):
            pushes.append(Push(branch, old, new))
    return tuple(pushes)
