"""Adoption: the change that brings countersign's roster to a branch that has none. Nobody on
that branch can sign it off, and the roster it brings was written by its own author, so that
roster is trusted for this change only through proof from outside it: a review by a repository
administrator that the forge confirms (``signoff.approvals``, requirements with ``admins``).
Once it lands, the branch has a roster and no later change adopts again."""

from __future__ import annotations

from dataclasses import dataclass

from countersign.config import CONFIG_DIR
from countersign.config.roster import Roster, load_roster
from countersign.errors import ConfigError
from countersign.facts.context import Context
from countersign.intake.change import Change, FileStatus

ROSTER = f"{CONFIG_DIR}/people.yaml"
# What an adoption change may touch besides .countersign/: the CI and hook set-up that runs the
# gate. Anything else lands after it, judged by the roster it brought.
SET_UP = (f"{CONFIG_DIR}/", ".github/workflows/", ".pre-commit-config.yaml")


@dataclass(frozen=True)
class Adoption:
    roster: Roster  # the roster the change brings, trusted only for an administrator's review
    outside: tuple[str, ...] = ()  # changed paths that are not countersign's set-up


def adoption_of(change: Change, context: Context) -> Adoption | None:
    """The adoption ``change`` is, or None: its landing branch has no roster (read at a
    revision) and it adds ``.countersign/people.yaml``. A roster that cannot be read is a
    ``ConfigError``, as it would be once merged."""
    if context.roster_at_target:
        return None
    added = next(
        (f for f in change.files if f.path == ROSTER and f.status is not FileStatus.DELETED),
        None,
    )
    if added is None:
        return None
    if added.new_text is None:
        raise ConfigError(ROSTER, "", f"cannot be read ({added.skipped or 'binary'})")
    outside = tuple(p for p in change.paths if not is_set_up(p))
    return Adoption(load_roster(added.new_text, ROSTER), outside)


def is_set_up(path: str) -> bool:
    return any(path == s or (s.endswith("/") and path.startswith(s)) for s in SET_UP)


# Why ``approve``, ``record`` and ``break-glass`` at a terminal cannot sign an adoption change.
AT_A_TERMINAL = (
    "this change adopts countersign: the branch it lands on has no roster, and the roster it "
    "brings was written by its author, so no key in it proves anyone. A repository "
    "administrator signs it off by approving the pull request on GitHub (the Action records "
    "the review; docs/adopting.md)"
)
