"""The ``pre-push`` hook: a push that moves a protected branch (main, release/*, ...) may carry
only signed-off changes, the same rule the deploy gate applies. Pushes to other branches pass:
their sign-offs come in review, after the push."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from countersign.decision.requirements import Kind
from countersign.gate.verdict import verdict_of

if TYPE_CHECKING:
    from countersign.gate.release import Verified

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


def pre_commit_refs(env: Mapping[str, str]) -> str:
    """The pushed ref as git's stdin line, from the variables the pre-commit framework sets: it
    reads git's stdin itself and hands a ``pre-push`` hook one ref (the first it will check)."""
    new, ref = env.get("PRE_COMMIT_TO_REF", ""), env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    if not new or not ref:
        return ""
    old = env.get("PRE_COMMIT_FROM_REF") or ZERO
    return f"{env.get('PRE_COMMIT_LOCAL_BRANCH') or 'HEAD'} {new} {ref} {old}\n"


def without_checks(results: tuple[Verified, ...]) -> tuple[tuple[Verified, ...], tuple[str, ...]]:
    """Each change judged without its open check requirements, and the checks left out: with no
    check results on this machine, the server's required checks enforce them."""
    left: list[str] = []
    judged = []
    for r in results:
        e = r.evaluation
        if e is None:  # ships nothing
            judged.append(r)
            continue
        kept = tuple(q for q in e.requirements if q.satisfied or q.kind is not Kind.CHECKS)
        for q in e.requirements:
            if q not in kept:
                left.extend(c for c in q.checks if c not in left)
        evaluation = replace(e, requirements=kept, verdict=verdict_of(kept))
        judged.append(replace(r, evaluation=evaluation))
    return tuple(judged), tuple(left)
