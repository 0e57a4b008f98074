"""The jobs: evaluate a pull request head and publish the decision; record a review as a
sign-off; reconcile open pull requests. Each job is idempotent (running it twice leaves what
running it once leaves), so a retried, duplicated or interrupted job is harmless.

A job reads the pull request's current state from GitHub rather than trusting the event that
queued it: events arrive late, twice and out of order, the API answers what is true now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from countersign.intake.pull_request import parse_pull_request
from countersign.service import ledgers, mirror, outputs, publish
from countersign.service.evaluation import judge
from countersign.service.github import GitHub
from countersign.service.settings import Settings

log = logging.getLogger("countersign.service.worker")

SAVE_DECISION = """
INSERT INTO countersign_decisions
    (repository, head_sha, kind, number, base_sha, fingerprint, verdict, conclusion,
     check_run_id, decided_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, now())
ON CONFLICT (repository, head_sha, kind) DO UPDATE SET
    number = EXCLUDED.number, base_sha = EXCLUDED.base_sha, fingerprint = EXCLUDED.fingerprint,
    verdict = EXCLUDED.verdict, conclusion = EXCLUDED.conclusion,
    check_run_id = EXCLUDED.check_run_id, decided_at = now()
"""


@dataclass(frozen=True)
class Outcome:
    """What a job did, for its log line and the tests."""

    status: str
    head: str = ""
    verdict: str = ""
    check_run_id: int | None = None


@dataclass
class Jobs:
    settings: Settings
    github: GitHub
    conn: Any  # a psycopg Connection in autocommit mode
    observe_latency: Any = None  # callable(seconds) for the decision-latency histogram

    # --- evaluation ---------------------------------------------------------------------------
    def evaluate_pull_request(
        self, repository: str, installation_id: int, number: int, **event: Any
    ) -> Outcome:
        pr = self.github.call("GET", f"/repos/{repository}/pulls/{number}", installation_id)
        fields = {"repository": repository, "number": number}
        if pr.get("state") != "open":
            log.info("pull request is closed: no decision", extra=fields)
            return Outcome("closed")
        head = str(pr["head"]["sha"])
        where = self._fetch(repository, installation_id, pr, head)
        base = mirror.resolve(where, f"refs/heads/{pr['base']['ref']}")
        judged = judge(
            where,
            base=base,
            head=head,
            ledger=self._ledger(int(pr["base"]["repo"]["id"])),
            state=self.settings.state_dir / "state",
            pull_request=parse_pull_request(pr),
        )
        evaluation = judged.evaluation
        body = outputs.check_run(evaluation, head, judged.fingerprint, str(pr.get("html_url", "")))
        run_id = publish.upsert_check_run(
            self.github, self.conn, installation_id, repository, "pull_request", body
        )
        self.conn.execute(
            SAVE_DECISION,
            (
                repository,
                head,
                "pull_request",
                number,
                base,
                judged.fingerprint,
                str(evaluation.verdict),
                outputs.conclusion(evaluation),
                run_id,
            ),
        )
        publish.upsert_comment(
            self.github,
            self.conn,
            installation_id,
            repository,
            number,
            outputs.comment(evaluation, head, judged.fingerprint),
        )
        self._latency(event.get("received_at"))
        log.info(
            "decision published",
            extra={**fields, "head": head, "verdict": str(evaluation.verdict)},
        )
        return Outcome("decided", head, str(evaluation.verdict), run_id)

    # --- helpers ------------------------------------------------------------------------------
    def _fetch(self, repository: str, installation: int, pr: dict[str, Any], head: str) -> Path:
        where = mirror.mirror_path(self.settings.state_dir, installation, repository)
        url = mirror.remote_url(self.settings.git_url, repository)
        token = self.github.token(installation) if url.startswith("http") else None
        base_ref = str(pr["base"]["ref"])
        number = int(pr["number"])
        mirror.fetch(
            where,
            url,
            [
                f"+refs/heads/{base_ref}:refs/heads/{base_ref}",
                f"+refs/pull/{number}/head:refs/pull/{number}/head",
            ],
            token=token,
        )
        if not mirror.has_commit(where, head):
            mirror.fetch(where, url, [head], token=token)
        return where

    def _ledger(self, repository_id: int) -> str:
        ledgers.create_schema(self.conn, self.settings.database_url, repository_id)
        return ledgers.ledger_url(self.settings.database_url, repository_id)

    def _latency(self, received_at: Any) -> None:
        if self.observe_latency is None or not isinstance(received_at, str) or not received_at:
            return
        try:
            received = datetime.fromisoformat(received_at)
        except ValueError:
            return
        self.observe_latency((datetime.now(UTC) - received).total_seconds())


def open_jobs(
    settings: Settings,
    *,
    max_wait: float = 60.0,
    backoff: float = 1.0,
    observe_latency: Any = None,
    on_api_error: Any = None,
) -> Jobs:
    """The jobs of one worker process: its GitHub client and its database connection."""
    import psycopg

    github = GitHub(
        settings.api_url,
        settings.app_id,
        settings.private_key(),
        max_wait=max_wait,
        backoff=backoff,
        on_error=on_api_error or (lambda _kind: None),
    )
    conn = psycopg.connect(settings.database_url, autocommit=True)
    return Jobs(settings, github, conn, observe_latency)
