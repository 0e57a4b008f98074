"""``countersign approve --from-review EVENT``: a reviewer's approval on the pull request is their
sign-off, bound to the exact commit they reviewed, with no command for them to run.

Run in CI on ``pull_request_review`` events. The reviewer is the roster person whose ``github``
login wrote the review; the change is the pull request's base to the reviewed commit, so a push
after the review is a new fingerprint the review does not cover. The same eligibility checks as
``countersign approve`` apply (no authors, no agents, level and team). Reviews that do not
approve record nothing; a dismissed review withdraws its reviewer's approval of that content.
"""

from __future__ import annotations

from pathlib import Path

import click

from countersign.commands.approve import approve
from countersign.config.roster import Roster
from countersign.errors import UsageError
from countersign.intake.pull_request import Review, read_review
from countersign.intake.selection import ChangeSelection
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import WITHDRAWN
from countersign.workspace import open_workspace


def approve_review(cwd: Path, *, payload: str, requirement: str | None) -> int:
    review = read_review(payload)
    if review.action == "dismissed":
        return _withdraw(cwd, review)
    if review.action not in ("submitted", "edited", "") or review.state != "approved":
        click.echo(
            f"review by {review.login} on #{review.number} is {review.action or 'a'} "
            f"{review.state or 'review'}, not an approval: nothing recorded"
        )
        return 0

    def reviewer(roster: Roster) -> Identity:
        person = roster.find_github(review.login)
        if person is None:
            raise UsageError(
                f"cannot approve: GitHub user {review.login} is not in .countersign/people.yaml "
                f"(add `github: {review.login}` to their entry, on the base branch)"
            )
        return Identity(person.id, "github-review")

    return approve(
        cwd,
        ChangeSelection(base=review.base, head=review.commit),
        identity=None,
        requirement=requirement,
        note=f"GitHub review {review.url}" if review.url else f"GitHub review on #{review.number}",
        forge=reviewer,
    )


def _withdraw(cwd: Path, review: Review) -> int:
    """A dismissed review no longer signs off the commit it approved: the reviewer's approvals
    of that content stop counting until they approve again."""
    ws = open_workspace(cwd, ChangeSelection(base=review.base, head=review.commit))
    person = ws.context.config.roster.find_github(review.login)
    if person is None:
        click.echo(f"review by {review.login} dismissed; {review.login} is not in the roster")
        return 0
    ws.ledger.append(
        WITHDRAWN,
        {
            "approver": person.id,
            "fingerprint": ws.change.fingerprint,
            "identity": Identity(person.id, "github-review").as_dict(),
            "note": f"GitHub review dismissed {review.url}".rstrip(),
            "base": ws.change.base,
            "head": ws.change.head,
        },
    )
    click.echo(
        f"Withdrew {person.id}'s approval of {ws.change.fingerprint[:19]} (review dismissed)"
    )
    return 0
