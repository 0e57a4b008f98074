"""``countersign approve --from-review EVENT``: a reviewer's approval on the pull request is their
sign-off, bound to the exact commit they reviewed, with no command for them to run.

Run in CI on ``pull_request_review`` events. The reviewer is the roster person whose ``github``
login wrote the review; the change is the pull request's base to the reviewed commit, so a push
after the review is a new fingerprint the review does not cover. The same eligibility checks as
``countersign approve`` apply (no authors, no agents, level and team). Reviews that do not
approve record nothing; a dismissed review withdraws its reviewer's approval of that content.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from countersign.config.roster import Roster
from countersign.decision.policy import NO_FORGE
from countersign.errors import UsageError
from countersign.facts.adoption import adoption_of
from countersign.gate.evaluate import evaluate
from countersign.intake.git import parents
from countersign.intake.pull_request import Review, read_review
from countersign.intake.selection import ChangeSelection
from countersign.signoff.adoption import adoption_forge, unpinned_writer
from countersign.signoff.approvals import approver_problem, authors_of
from countersign.signoff.approve import approve, review_identity, review_note, withdraw
from countersign.signoff.forge import Channels, reviewer_identity
from countersign.signoff.identity import Identity
from countersign.signoff.ledger import signoffs_for
from countersign.workspace import Environment, analysed, open_workspace, protected_policy


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
    selection = ChangeSelection(base=review.base, head=review.commit)
    environment = Environment.from_process()
    ws = analysed(open_workspace(cwd, selection, environment), remember_scans=True, mine=True)
    signoffs = signoffs_for(ws.ledger, ws.change.fingerprint)
    result = evaluate(ws.change, ws.context, ws.policy, signoffs)
    adoption = result.facts.adoption
    # An adoption change: the roster it brings says who the reviewer is; GitHub says whether
    # they administer the repository, which alone makes their review count.
    roster: Roster = adoption.roster if adoption else ws.context.config.roster
    claimed = review_identity(roster, review)
    person = roster.find(claimed.claimed)
    makers = tuple(i.email for i in result.facts.identities)
    problem = approver_problem(claimed.claimed, person, roster, authors_of(makers, roster))
    if problem or person is None:
        raise UsageError(f"cannot approve: {problem}")
    # Only a review that could count is worth asking GitHub about.
    now = environment.clock()
    root = ws.root or cwd
    channels = Channels(covers=lambda sha, commit: sha == commit or commit in parents(root, sha))
    # The GitHub to ask is the default branch's, never the branch the event names as the base.
    protected = protected_policy(root)
    forge, branch = (protected[0].forge, protected[1]) if protected else (NO_FORGE, "")
    if adoption is not None:
        # An adoption: nothing on the landing branch pins a forge or ledger keys yet; the
        # adoption's own pins are asked, and must hold (``signoff.adoption``).
        forge, branch = adoption_forge(adoption), "the adoption"
        if why := unpinned_writer(adoption, ws.ledger.key.key_id):
            raise UsageError(f"cannot record this review: {why}")
    confirmed = reviewer_identity(
        review, person, forge, os.environ, now, channels, branch, permission=adoption is not None
    )
    who = confirmed.identity
    try:
        done = approve(
            ws.ledger,
            ws.change,
            roster,
            who,
            ws.policy,
            signoffs=signoffs,
            requirements=result.decision.requirements,
            requirement=requirement,
            note=review_note(review),
            now=now,
            makers=makers,
        )
    except UsageError as exc:
        if not confirmed.unproven:
            raise
        raise UsageError(f"{exc} (not forge-proven: {confirmed.unproven})") from None
    click.echo(
        f"Approved {done.fingerprint[:19]} as {done.approver} (GitHub review), identity "
        f"{who.strength} ({confirmed.checked}), for {', '.join(done.requirements)}"
    )
    return 0


def _withdraw(cwd: Path, review: Review) -> int:
    """A dismissed review no longer signs off the commit it approved: the reviewer's approvals
    of that content stop counting until they approve again."""
    ws = open_workspace(cwd, ChangeSelection(base=review.base, head=review.commit))
    adoption = adoption_of(ws.change, ws.context)
    roster = adoption.roster if adoption else ws.context.config.roster
    person = roster.find_github(review.login)
    if person is None:
        click.echo(f"review by {review.login} dismissed; {review.login} is not in the roster")
        return 0
    identity = Identity(person.id, "github-review")
    done = withdraw(
        ws.ledger, ws.change, person, identity, f"GitHub review dismissed {review.url}".rstrip()
    )
    click.echo(f"Withdrew {done.approver}'s approval of {done.fingerprint[:19]} (review dismissed)")
    return 0
