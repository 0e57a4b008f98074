"""``countersign adopt``: commit the ``.countersign/`` that ``init`` wrote (and you edited) as the
adoption change, on its own branch, and say how it is signed off.

Nobody on a branch without a roster can sign off the change that brings one, and the roster it
brings is its author's word, so the trust comes from outside the change: a repository
administrator approves the pull request on GitHub, the Action asks GitHub whether the reviewer
administers the repository, and only then does the review count (``facts.adoption``). Once the
roster is on the branch, no later change adopts again: it is judged by that roster.
"""

from __future__ import annotations

from pathlib import Path

import click

from countersign.config import CONFIG_DIR
from countersign.config.roster import Roster, load_roster
from countersign.errors import ConfigError, InputError, UsageError
from countersign.facts.adoption import ROSTER, SET_UP, is_set_up
from countersign.gate.check import check_change
from countersign.gate.configuration import check_configuration
from countersign.intake.git import current_branch, default_branch, git, repo_root, resolve
from countersign.intake.selection import ChangeSelection
from countersign.workspace import Environment, analysed, open_workspace

DEFAULT_MESSAGE = (
    "Adopt countersign\n\nThe roster, policy and catalog that `countersign init` wrote."
)


def adopt(cwd: Path, *, base: str | None, branch: str, message: str, solo: bool = False) -> int:
    root = repo_root(cwd)
    target = base or default_branch(root)
    if target is None:
        raise InputError("no default branch (main, master, trunk) to adopt on: pass --base BRANCH")
    resolve(root, target)
    if _has_roster(root, target):
        raise UsageError(
            f"{target} already has {ROSTER}: countersign is adopted there; change its "
            "configuration through a reviewed change, judged by that roster"
        )
    roster = _checked_roster(root)
    me = _user_email(root)
    reviewers = [
        p for p in roster.people if p.github and not p.agent and me not in map(str.lower, p.emails)
    ]
    if solo:
        _check_solo(roster, me)
    elif not reviewers:
        raise UsageError(
            f"{ROSTER} gives nobody but you a `github:` login: the adoption is signed off by "
            "a repository administrator (not you) approving its pull request on GitHub, so add "
            "`github: LOGIN` to their entry"
        )
    staged = git(root, "diff", "--cached", "--name-only", "-z").decode().split("\0")
    outside = [p for p in staged if p and not is_set_up(p)]
    if outside:
        raise UsageError(
            f"other files are staged ({', '.join(outside[:3])}): an adoption change holds "
            f"countersign's set-up only ({', '.join(SET_UP)}); commit or unstage them first"
        )
    here = current_branch(root)
    if here is None or here == target.removeprefix("origin/"):
        git(root, "checkout", "-q", "-b", branch)
        here = branch
    git(root, "add", "--", CONFIG_DIR)
    staged = git(root, "diff", "--cached", "--name-only", "-z").decode().split("\0")
    if any(staged):
        git(root, "commit", "-q", "-m", message)
    ws = analysed(open_workspace(root, ChangeSelection(base=target), Environment.from_process()))
    result = check_change(ws, {})
    if result.facts.adoption is None:
        raise UsageError(
            f"{here} does not add {ROSTER} to {target}: nothing to adopt (commit it first)"
        )
    if result.facts.adoption.unpinned:
        click.echo(f"warning: {result.facts.adoption.unpinned}; no review can count until then")
    keys = _pinned_labels(result.facts.adoption.ledger_keys or "")
    click.echo(
        f"  ledger keys it pins: {', '.join(keys) or 'none'}; the machine that records the "
        "sign-off (the Action's runner, the service) must hold one of them: add its line "
        "(`countersign ledger keys` there) before you push"
    )
    open_ = [r for r in result.requirements if not r.satisfied]
    click.echo(
        f"Adoption change on {here}: {ws.change.fingerprint[:19]}, "
        f"{len(ws.change.files)} file{'s' if len(ws.change.files) != 1 else ''} "
        f"({result.verdict})."
    )
    for req in open_:
        click.echo(
            f"  [ ] {req.id}: {req.needs or req.reason}"
            + (f" ({req.missing})" if req.missing else "")
        )
    if solo:
        click.echo(
            "Next:\n"
            f"  1. git push -u origin {here}, and open a pull request into "
            f"{target.removeprefix('origin/')}.\n"
            "  2. The countersign Action (with `solo: true` and `id-token: write`) records your "
            "own sign-off once GitHub confirms you are the repository's only collaborator and "
            "an administrator; the gate then passes.\n"
            "  Add the next person to the roster before you give them access on GitHub: from "
            "then on every change is reviewed."
        )
        return 0
    logins = ", ".join(f"{p.id} (github: {p.github})" for p in reviewers)
    click.echo(
        "Next:\n"
        f"  1. git push -u origin {here}, and open a pull request into "
        f"{target.removeprefix('origin/')}.\n"
        "  2. A repository administrator who did not make this change approves it on GitHub; "
        f"{ROSTER} names {logins}.\n"
        "     The countersign Action records the review once GitHub confirms it and that the "
        "reviewer administers the repository; the gate then passes.\n"
        "  Until it lands, the branch has no roster: nothing is signed off from a terminal."
    )
    return 0


def _pinned_labels(text: str) -> list[str]:
    """Each pinned key as its label (or the start of the key), for people to recognise."""
    out = []
    for line in text.splitlines():
        words = line.partition("#")[0].split()
        if words:
            label = [w for w in words[1:] if not w.startswith("until=")]
            out.append(" ".join(label) or words[0][:20])
    return out


def _check_solo(roster: Roster, me: str) -> None:
    humans = [p for p in roster.people if not p.agent]
    if len(humans) != 1 or me not in map(str.lower, humans[0].emails) or not humans[0].github:
        raise UsageError(
            f"--solo is for a repository of one person: {ROSTER} must name you alone "
            f"(user.email {me or 'unset'}), with your `github:` login; it names "
            f"{', '.join(p.id for p in humans) or 'nobody'}"
        )


def _user_email(root: Path) -> str:
    try:
        return git(root, "config", "user.email").decode().strip().lower()
    except InputError:
        return ""


def _has_roster(root: Path, rev: str) -> bool:
    try:
        git(root, "cat-file", "-e", f"{rev}:{ROSTER}")
    except InputError:
        return False
    return True


def _checked_roster(root: Path) -> Roster:
    checked = check_configuration(root)
    if not any(c.name == "people.yaml" for c in checked):
        raise UsageError(f"no {ROSTER} in {root}: run `countersign init` first, then edit it")
    errors = [c.error for c in checked if c.error]
    if errors:
        for error in errors:
            click.echo(f"error: {error}")
        raise UsageError(
            f"{len(errors)} file{'s' if len(errors) > 1 else ''} in {CONFIG_DIR}/ would stop "
            "the gate: fix the key named (`countersign config check`), then adopt again"
        )
    text = (root / ROSTER).read_text(encoding="utf-8", errors="replace")
    try:
        return load_roster(text, ROSTER)
    except ConfigError:  # checked above; a race with an editor
        raise UsageError(f"{ROSTER} changed while it was read: adopt again") from None
