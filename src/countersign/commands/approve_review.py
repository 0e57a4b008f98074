"""``countersign approve --from-review EVENT``: a reviewer's approval on the pull request is their
sign-off, bound to the exact commit they reviewed, with no command for them to run.

Run in CI on ``pull_request_review`` events. The reviewer is the roster person whose ``github``
login wrote the review; the change is the pull request's base to the reviewed commit, so a push
after the review is a new fingerprint the review does not cover. The same eligibility checks as
``countersign approve`` apply (no authors, no agents, level and team). Reviews that do not
approve record nothing.
"""

from __future__ import annotations

from pathlib import Path

import click

from countersign.commands.approve import approve
from countersign.config.roster import Roster
from countersign.errors import UsageError
from countersign.intake.pull_request import read_review
from countersign.signoff.identity import Identity


def approve_review(cwd: Path, *, payload: str, requirement: str | None) -> int:
    review = read_review(payload)
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
        base=review.base,
        head=review.commit,
        worktree=False,
        identity=None,
        requirement=requirement,
        note=f"GitHub review {review.url}" if review.url else f"GitHub review on #{review.number}",
        forge=reviewer,
    )
