"""Adoption: the change that brings countersign's roster to a branch that has none. Nobody on
that branch can sign it off, and the roster it brings was written by its own author, so that
roster is trusted for this change only through proof from outside it: a review by a repository
administrator that the forge confirms (``signoff.approvals``, requirements with ``admins``).
Once it lands, the branch has a roster and no later change adopts again.

Nothing on the landing branch pins a forge or ledger keys yet, so the adoption brings its own
(``forge:`` in its policy.yaml, its ``ledger-keys``): its sign-offs count only when they were
confirmed by the GitHub it pins and written by a ledger key it pins (``signoff.adoption``), and
only when that pin names the repository this clone is of (``origin``, and the job's
``GITHUB_REPOSITORY`` in GitHub Actions): an author who pins a GitHub of their own, or another
repository where they administer, gets nothing counted."""

from __future__ import annotations

from dataclasses import dataclass, field

from countersign.config import CONFIG_DIR
from countersign.config.forge import Forge, read_forge
from countersign.config.roster import Roster, load_roster
from countersign.config.yamlfile import expect_mapping, parse_yaml
from countersign.errors import ConfigError
from countersign.facts.context import Context
from countersign.intake.change import Change, FileStatus

ROSTER = f"{CONFIG_DIR}/people.yaml"
POLICY = f"{CONFIG_DIR}/policy.yaml"
LEDGER_KEYS = f"{CONFIG_DIR}/ledger-keys"
# What an adoption change may touch besides .countersign/: the CI and hook set-up that runs the
# gate. Anything else lands after it, judged by the roster it brought.
SET_UP = (f"{CONFIG_DIR}/", ".github/workflows/", ".pre-commit-config.yaml")


@dataclass(frozen=True)
class Adoption:
    roster: Roster  # the roster the change brings, trusted only for an administrator's review
    outside: tuple[str, ...] = ()  # changed paths that are not countersign's set-up
    forge: Forge = field(default_factory=Forge)  # what its policy.yaml pins: the one GitHub
    ledger_keys: str | None = None  # the text of the ledger-keys it brings (None: none)
    # Why no sign-off of it can count whatever the ledger says ("" when the pins hold): no
    # forge or no ledger keys pinned, or a pin naming another repository than this clone's.
    unpinned: str = ""

    @property
    def solo(self) -> bool:
        """The roster it brings names one human: the author alone (``signoff.adoption``)."""
        return len([p for p in self.roster.people if not p.agent]) == 1


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
    forge = _forge(_text(change, POLICY))
    keys = _text(change, LEDGER_KEYS)
    return Adoption(
        load_roster(added.new_text, ROSTER),
        outside,
        forge,
        keys,
        _unpinned(forge, keys, context.hosted),
    )


def _text(change: Change, path: str) -> str | None:
    found = next(
        (f for f in change.files if f.path == path and f.status is not FileStatus.DELETED), None
    )
    return found.new_text if found else None


def _forge(policy: str | None) -> Forge:
    """``forge:`` of the policy the change brings; the gate reads the whole file once merged
    (a file it would reject stops the adoption there: ``countersign adopt`` checks it first)."""
    if not policy:
        return Forge()
    try:
        data = parse_yaml(policy, POLICY) or {}
        return read_forge(expect_mapping(data, POLICY, "").get("forge"), POLICY)
    except ConfigError:
        return Forge()


def _unpinned(forge: Forge, keys: str | None, hosted: tuple[tuple[str, str], ...]) -> str:
    if not forge.repository:
        return (
            f"the adoption pins no forge: add `forge: {{repository: OWNER/NAME}}` to {POLICY} "
            "(init writes it for a github.com origin), the GitHub whose review adopts"
        )
    if not keys or not _key_lines(keys):
        return (
            f"the adoption pins no ledger keys ({LEDGER_KEYS}, which init writes): nothing says "
            "which machine may record its sign-off"
        )
    for where, value in hosted:
        pinned = forge.api if where == "GITHUB_API_URL" else forge.repository
        if value.rstrip("/").lower() != pinned.rstrip("/").lower():
            what = "forge.api" if where == "GITHUB_API_URL" else "forge.repository"
            return (
                f"the adoption pins {what} {pinned}, but this repository's {where} is {value}: "
                "it is confirmed only by the GitHub of the repository it lands in"
            )
    return ""


def _key_lines(text: str) -> list[str]:
    return [x for x in (line.partition("#")[0].strip() for line in text.splitlines()) if x]


def is_set_up(path: str) -> bool:
    return any(path == s or (s.endswith("/") and path.startswith(s)) for s in SET_UP)


# Why ``approve``, ``record`` and ``break-glass`` at a terminal cannot sign an adoption change.
AT_A_TERMINAL = (
    "this change adopts countersign: the branch it lands on has no roster, and the roster it "
    "brings was written by its author, so no key in it proves anyone. A repository "
    "administrator signs it off by approving the pull request on GitHub (the Action records "
    "the review; docs/adopting.md)"
)
