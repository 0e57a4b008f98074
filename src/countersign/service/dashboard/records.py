"""What a worker writes for the dashboard after each evaluation: the decision's reasons and
facts (on the head's decision row, and as one more row of every evaluation), one open request
per approval it still asks for (the reviewers' queues), and the repository's roster as read at
the base. The web process only reads these rows: it never calls git or GitHub to draw a page."""

from __future__ import annotations

from typing import Any

from countersign.config.roster import Roster, level_rank
from countersign.decision.requirements import Kind
from countersign.gate.verdict import Evaluation
from countersign.output import render
from countersign.output.serialize import hazard_dict, requirement_dict

FACTS = """
UPDATE countersign_decisions SET
    installation_id = %s, repository_id = %s, title = %s, author = %s, url = %s,
    services = %s, rules = %s, ai_assisted = %s, provenance = %s, risk = %s,
    summary = %s, report = %s
WHERE repository = %s AND head_sha = %s AND kind = 'pull_request'
"""
# This evaluation, as the decision row now holds it: the Decisions page lists every one.
EVALUATED = """
INSERT INTO countersign_evaluations
    (repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, title, author,
     url, services, rules, ai_assisted, provenance, risk, summary, report)
SELECT repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, title, author,
       url, services, rules, ai_assisted, provenance, risk, summary, report
FROM countersign_decisions
WHERE repository = %s AND head_sha = %s AND kind = 'pull_request'
"""
# A head that could not be evaluated (a bad configuration, an unreadable change) is an
# evaluation too: its check run asks for review, and the Decisions page says why.
UNANALYSED = """
INSERT INTO countersign_evaluations
    (repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, title, author,
     url, report)
VALUES (%s, %s, %s, %s, '', 'not-analysed', 'action_required', %s, %s, %s, %s)
"""
ASK = """
INSERT INTO countersign_requests
    (repository, number, head_sha, fingerprint, requirement, rule, min_level, level_rank,
     teams, count, reason, makers, approvers, closed_at, outcome)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,
        CASE WHEN %s THEN now() END, CASE WHEN %s THEN 'satisfied' END)
ON CONFLICT (repository, head_sha, requirement) DO UPDATE SET
    approvers = EXCLUDED.approvers, reason = EXCLUDED.reason, makers = EXCLUDED.makers,
    closed_at = CASE
        WHEN EXCLUDED.closed_at IS NULL THEN NULL
        ELSE coalesce(countersign_requests.closed_at, EXCLUDED.closed_at) END,
    outcome = EXCLUDED.outcome
"""
# Requests of this pull request that this evaluation no longer asks for: another head, or a
# requirement the policy at the base dropped.
SUPERSEDE = """
UPDATE countersign_requests SET closed_at = now(), outcome = 'superseded'
WHERE repository = %s AND number = %s AND closed_at IS NULL
  AND NOT (head_sha = %s AND requirement = ANY(%s))
"""
CLOSE_PULL = """
UPDATE countersign_requests SET closed_at = now(), outcome = 'closed'
WHERE repository = %s AND number = %s AND closed_at IS NULL
"""
FORGET_ROSTER = "DELETE FROM countersign_people WHERE repository = %s"
ROSTER = """
INSERT INTO countersign_people (repository, person, github, emails, level, level_rank, teams)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""
INSTALLED = """
INSERT INTO countersign_installations (installation_id, repository, repository_id)
VALUES (%s, %s, %s) ON CONFLICT DO NOTHING
"""
LEDGER = """
INSERT INTO countersign_ledger_status (repository, location, pinned_in, checkpoint, seen_at)
VALUES (%s, %s, %s, %s, now())
ON CONFLICT (repository) DO UPDATE SET location = EXCLUDED.location,
    pinned_in = EXCLUDED.pinned_in, checkpoint = EXCLUDED.checkpoint, seen_at = now()
"""


def save(
    conn: Any,
    *,
    repository: str,
    installation_id: int,
    pr: dict[str, Any],
    evaluation: Evaluation,
    head: str,
    fingerprint: str,
    roster: Roster,
) -> None:
    """``conn``: psycopg in autocommit mode; the rows are written in one transaction, sent
    in one pipeline (a dozen statements, one wait for the server instead of one each)."""
    from psycopg.types.json import Jsonb

    facts = evaluation.facts
    makers = sorted(
        {p.id for i in facts.identities if (p := roster.find(i.email)) is not None}
        | ({facts.author.id} if facts.author.known else set())
    )
    approvals = [r for r in evaluation.requirements if r.kind is Kind.APPROVAL]
    with conn.pipeline(), conn.transaction():
        conn.execute(
            FACTS,
            (
                installation_id,
                int(pr["base"]["repo"]["id"]),
                str(pr.get("title") or ""),
                str((pr.get("user") or {}).get("login") or ""),
                str(pr.get("html_url") or ""),
                sorted({s.name for s in facts.blast_radius.services}),
                sorted({r.rule for r in evaluation.requirements}),
                facts.provenance.ai_assisted,
                str(facts.provenance.confidence),
                facts.risk.score,
                Jsonb(summary(evaluation)),
                render(evaluation, "markdown"),
                repository,
                head,
            ),
        )
        conn.execute(EVALUATED, (repository, head))
        for r in approvals:
            conn.execute(
                ASK,
                (
                    repository,
                    int(pr["number"]),
                    head,
                    fingerprint,
                    r.id,
                    r.rule,
                    r.min_level,
                    level_rank(r.min_level),
                    list(r.teams),
                    max(r.count, 1),
                    r.reason,
                    makers,
                    list(r.satisfied_by),
                    r.satisfied,
                    r.satisfied,
                ),
            )
        conn.execute(SUPERSEDE, (repository, int(pr["number"]), head, [r.id for r in approvals]))
        conn.execute(INSTALLED, (installation_id, repository, int(pr["base"]["repo"]["id"])))
        if evaluation.ledger is not None:
            state = evaluation.ledger
            conn.execute(LEDGER, (repository, state.location, state.pinned_in, state.checkpoint))
        conn.execute(FORGET_ROSTER, (repository,))
        for person in roster.people:
            if person.agent:
                continue
            conn.execute(
                ROSTER,
                (
                    repository,
                    person.id,
                    person.github,
                    [e.lower() for e in person.emails],
                    person.level,
                    level_rank(person.level),
                    list(person.teams),
                ),
            )


def unanalysed(
    conn: Any, *, repository: str, pr: dict[str, Any], head: str, problem: dict[str, str]
) -> None:
    """``problem``: the check run's output (title and summary), as the report."""
    conn.execute(
        UNANALYSED,
        (
            repository,
            int(pr["number"]),
            head,
            str((pr.get("base") or {}).get("sha") or ""),
            str(pr.get("title") or ""),
            str((pr.get("user") or {}).get("login") or ""),
            str(pr.get("html_url") or ""),
            f"## countersign: **{problem['title']}**\n\n{problem['summary']}\n",
        ),
    )


def closed(conn: Any, repository: str, number: int) -> None:
    """A closed pull request asks nobody for anything."""
    conn.execute(CLOSE_PULL, (repository, number))


def summary(evaluation: Evaluation) -> dict[str, Any]:
    """The facts a queue row and a decision row show, small enough to list thousands."""
    facts = evaluation.facts
    blast = facts.blast_radius
    return {
        "verdict": str(evaluation.verdict),
        "requirements": [requirement_dict(r) for r in evaluation.requirements],
        "hazards": [hazard_dict(h) for h in facts.hazards[:20]],
        "hazard_count": len(facts.hazards),
        "blast": {
            "services": [{"name": s.name, "tier": s.tier} for s in blast.services],
            "critical": list(blast.critical),
            "dependents": [d.name for d in blast.dependents][:20],
            "score": blast.score,
        },
        "risk": {
            "score": facts.risk.score,
            "factors": [f.text for f in facts.risk.factors[:3]],
        },
        "provenance": {
            "ai_assisted": facts.provenance.ai_assisted,
            "confidence": str(facts.provenance.confidence),
            "agents": list(facts.provenance.agents),
        },
    }
