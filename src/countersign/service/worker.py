"""The jobs: evaluate a pull request head and publish the decision; record a review as a
sign-off; reconcile open pull requests. Each job is idempotent (running it twice leaves what
running it once leaves), so a retried, duplicated or interrupted job is harmless.

A job reads the pull request's current state from GitHub rather than trusting the event that
queued it: events arrive late, twice and out of order, the API answers what is true now.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from countersign import Environment, Workspace, __version__
from countersign.errors import FatalError, InputError, LedgerUnavailable
from countersign.facts.provenance.directory import directory_of
from countersign.intake.git import BlobReader
from countersign.intake.pull_request import PullRequest, parse_pull_request
from countersign.service import (
    checkpoints,
    comment_commands,
    events,
    fence,
    inputs,
    ledgers,
    mirror,
    outputs,
    publish,
    reviews,
)
from countersign.service.dashboard import records
from countersign.service.decisions import (
    DIRECTORY_LABELS,
    LAST_DECISION,
    SAVE_DECISION,
    UNCHANGED,
    Outcome,
)
from countersign.service.evaluation import judge_opened, open_head
from countersign.service.github import GitHub, GitHubRefused
from countersign.service.intake import defer
from countersign.service.job_manager import EXCLUSIVE, RELEASE
from countersign.service.settings import Settings
from countersign.signoff.checkpoint import PUBLISHED

log = logging.getLogger("countersign.service.worker")

SAVE_REPOSITORY = """
INSERT INTO countersign_installations (installation_id, repository, repository_id)
VALUES (%s, %s, %s) ON CONFLICT DO NOTHING
"""
KNOWN_REPOSITORIES = "SELECT installation_id, repository FROM countersign_installations"
REPOSITORY_ID = "SELECT repository_id FROM countersign_installations WHERE repository = %s"
# The database's clock now, and whether a branch fetched at %(at)s is still as it was then, as
# far as GitHub has said: no push to the repository delivered since (one to any branch counts,
# the checkpoints' branch too), and fetched less than %(fresh)s s ago.
STILL_FETCHED = """
SELECT now(), %(at)s::timestamptz IS NOT NULL
  AND now() - %(at)s::timestamptz < make_interval(secs => %(fresh)s)
  AND NOT EXISTS (
    SELECT 1 FROM countersign_deliveries
    WHERE event = 'push' AND repository = %(repository)s AND received_at >= %(at)s::timestamptz)
"""


@dataclass(frozen=True)
class Seen:
    ledger_head: tuple[int, str] | None
    checkpoints: tuple[tuple[str, str], ...]
    today: date


@dataclass
class Jobs:
    settings: Settings
    github: GitHub
    conn: Any  # a psycopg Connection in autocommit mode
    observe_latency: Any = None  # callable(seconds) for the decision-latency histogram
    connect: Any = None  # opens a new connection when the database dropped this one

    def ensure_connected(self) -> None:
        """Before each job: a restarted database (or a dropped connection) failed the job that
        met it, and the queue retries that job; reconnect so the retry can succeed."""
        if self.connect is not None and (self.conn.closed or self.conn.broken):
            log.warning("database connection lost: reconnecting")
            self.conn = self.connect()

    @contextmanager
    def exclusive(self, key: str) -> Iterator[None]:
        """Hold ``key`` (a job's procrastinate lock: its pull request) while the job runs, as a
        PostgreSQL advisory lock of this job's connection. procrastinate's own lock is a row
        the queue keeps: a worker it takes for dead (its heartbeats late, as under a
        long pause) loses its jobs to another worker while it may still be running them, and
        two runs of one evaluation at once could each create a check run. This lock is held
        by the connection itself, so only a run that really ended (or a process whose
        connection the database saw close) lets the next run of the pull request begin; the
        one retried meanwhile waits here, then finds the decision made. Every GitHub and
        ledger write of the run is fenced on this hold (``fence``): a run whose connection
        dropped, and the lock with it, writes nothing more (``LockLost``)."""
        import psycopg

        (_, number) = self.conn.execute(EXCLUSIVE, (key,)).fetchone()
        try:
            with fence.holding(self.conn, int(number)):
                yield
        finally:
            if not (self.conn.closed or self.conn.broken):
                # A connection that dropped took the lock with it; the run's own error (often
                # LockLost) is the one to report.
                with suppress(psycopg.OperationalError):
                    self.conn.execute(RELEASE, (key,))

    # --- evaluation ---------------------------------------------------------------------------
    def evaluate_pull_request(
        self,
        repository: str,
        installation_id: int,
        number: int,
        *,
        fresh: bool = False,
        **event: Any,
    ) -> Outcome:
        """Evaluate the pull request's current head and publish the decision, unless nothing
        the evaluation reads changed since the head's decision (``inputs``) and no re-run was
        asked for (``fresh``): then that decision answers, as it stands."""
        pr = self.github.call("GET", f"/repos/{repository}/pulls/{number}", installation_id)
        fields = {"repository": repository, "number": number}
        if pr.get("state") != "open":
            log.info("pull request is closed: no decision", extra=fields)
            records.closed(self.conn, repository, number)
            return Outcome("closed")
        head = str(pr["head"]["sha"])
        try:
            where, base = self.fetch_head(repository, installation_id, pr, head, complete=False)
            checks, listed = self.check_runs(repository, installation_id, head)
            pull = parse_pull_request(pr)
            # Read before the evaluation reads the ledger: an entry that lands in between
            # changes the next digest, never hides in this one.
            seen = self.seen_inputs(where, pr)
            stored = None if fresh else self.conn.execute(DIRECTORY_LABELS, (repository, head))
            labels = stored.fetchone() if stored is not None else None
            if labels is not None:
                digest = self.inputs_digest(pr, pull, base, head, checks, labels[0], seen)
                same = self._unchanged(repository, installation_id, pr, head, digest)
                if same is not None:
                    return same
            merge_base = self.complete_trees(where, repository, installation_id, [base, head])
            # One cat-file process answers every object the evaluation reads (configuration,
            # blobs, pins, checkpoints), instead of one process per reader.
            with BlobReader(where.resolve()) as objects:
                if merge_base:
                    objects.merge_bases[(base, head)] = merge_base
                opened = open_head(
                    where,
                    base=base,
                    head=head,
                    ledger=self.ledger(int(pr["base"]["repo"]["id"])),
                    state=self.settings.state_dir / "state",
                    pull_request=pull,
                )
                counted = tuple(sorted(directory_of(opened.context).pr_labels))
                digest = self.inputs_digest(pr, pull, base, head, checks, counted, seen)
                if not fresh and labels is None:
                    # A decision made before the directory's labels were stored with it.
                    same = self._unchanged(repository, installation_id, pr, head, digest)
                    if same is not None:
                        return same
                judged = judge_opened(opened, base, checks)
        except LedgerUnavailable:
            # The ledger's database is down or dropped the connection: nothing is wrong with
            # the head, so the queue tries again rather than the pull request being told it
            # could not be analysed.
            raise
        except FatalError as exc:
            # Retrying cannot fix a bad configuration or an unreadable change: say so on the
            # pull request, which then needs review, instead of blocking its queue.
            body = outputs.not_analysed(head, str(exc), str(pr.get("html_url", "")))
            run_id = publish.upsert_check_run(
                self.github, self.conn, installation_id, repository, "pull_request", body
            )
            records.unanalysed(
                self.conn, repository=repository, pr=pr, head=head, problem=body["output"]
            )
            self.sync_labels(installation_id, repository, pr, str(body["conclusion"]))
            log.warning("not analysed", extra={**fields, "head": head, "outcome": str(exc)})
            return Outcome("not-analysed", head, "", run_id)
        evaluation = judged.evaluation
        body = outputs.check_run(evaluation, head, judged.fingerprint, str(pr.get("html_url", "")))
        run_id = publish.upsert_check_run(
            self.github, self.conn, installation_id, repository, "pull_request", body, listed
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
                # A break-glass expires at a moment no input records: decide again each time.
                None if evaluation.signoffs and evaluation.signoffs.break_glass else digest,
                json.dumps(list(counted)),
            ),
        )
        records.save(
            self.conn,
            repository=repository,
            installation_id=installation_id,
            pr=pr,
            evaluation=evaluation,
            head=head,
            fingerprint=judged.fingerprint,
            roster=judged.roster,
        )
        publish.upsert_comment(
            self.github,
            self.conn,
            installation_id,
            repository,
            number,
            outputs.comment(evaluation, head, judged.fingerprint),
        )
        self.sync_labels(installation_id, repository, pr, outputs.conclusion(evaluation))
        self.observe(event.get("received_at"))
        log.info(
            "decision published",
            extra={**fields, "head": head, "verdict": str(evaluation.verdict)},
        )
        return Outcome("decided", head, str(evaluation.verdict), run_id)

    # --- reviews ------------------------------------------------------------------------------
    def record_review(
        self,
        repository: str,
        installation_id: int,
        number: int,
        *,
        action: str,
        review_id: int,
        state: str,
        commit_id: str,
        login: str,
        url: str = "",
        **event: Any,
    ) -> Outcome:
        """An approving review by a roster person is their forge-proven sign-off of the
        content at the reviewed commit (never of a later head); a dismissal withdraws it.
        Then the pull request's current head is evaluated again."""
        pr = self.github.call("GET", f"/repos/{repository}/pulls/{number}", installation_id)
        fields = {"repository": repository, "number": number, "head": commit_id}
        outcome = reviews.sign_off(
            self, pr, repository, installation_id, action, review_id, state, commit_id, login, url
        )
        log.info("review %s: %s", action, outcome, extra=fields)
        if outcome.startswith(("recorded", "withdrew")):
            self.publish_checkpoint(
                repository, installation_id, int(pr["base"]["repo"]["id"]), pr["base"]["ref"]
            )
        if pr.get("state") == "open":
            self.evaluate_pull_request(repository, installation_id, number, **event)
        return Outcome(outcome, commit_id)

    # --- the dashboard ----------------------------------------------------------------------------
    def dashboard_action(self, action_id: int, **_: Any) -> Outcome:
        """See ``dashboard.actions``."""
        from countersign.service.dashboard import actions

        outcome = actions.perform(self, int(action_id))
        log.info("dashboard action %s: %s", action_id, outcome)
        return Outcome(outcome)

    # --- merge queue ----------------------------------------------------------------------------
    def evaluate_merge_group(
        self,
        repository: str,
        installation_id: int,
        head_sha: str,
        base_sha: str,
        head_ref: str = "",
        **event: Any,
    ) -> Outcome:
        """See ``merge_queue.decide``."""
        from countersign.service import merge_queue

        return merge_queue.decide(
            self, repository, installation_id, head_sha, base_sha, head_ref, **event
        )

    # --- incidents ------------------------------------------------------------------------------
    def record_incidents(
        self,
        repository: str,
        repository_id: int,
        source: str,
        incidents: list[dict[str, Any]],
        by: str,
        **_: Any,
    ) -> Outcome:
        """Record what an incident webhook said in the repository's ledger, as ``countersign
        incident import`` does: news of an incident already recorded is merged into it, and a
        delivery that says nothing new writes nothing (a retried job, a resent event)."""
        from countersign.facts.incidents import from_dict
        from countersign.signoff import incidents as book_of
        from countersign.signoff.ledger import open_ledger

        ledger = open_ledger(self.ledger(int(repository_id)), self.settings.state_dir / "state")
        new = sum(
            book_of.record(ledger, from_dict(data), by, action="import") for data in incidents
        )
        log.info(
            "incidents recorded: %d new or updated of %d",
            new,
            len(incidents),
            extra={"repository": repository, "outcome": source},
        )
        return Outcome(f"recorded {new}")

    # --- comment commands -----------------------------------------------------------------------
    def run_command(
        self,
        repository: str,
        installation_id: int,
        number: int,
        *,
        comment_id: int,
        login: str,
        body: str,
        **event: Any,
    ) -> Outcome:
        """See ``comment_commands.run``."""
        outcome = comment_commands.run(
            self, repository, installation_id, number, comment_id, login, body, event
        )
        return Outcome(outcome)

    # --- reconcile ------------------------------------------------------------------------------
    def sync_installation(self, installation_id: int, **_: Any) -> Outcome:
        found = self.github.call(
            "GET", "/installation/repositories", installation_id, params={"per_page": 100}
        )
        for repo in found.get("repositories", ()):
            self.conn.execute(SAVE_REPOSITORY, (installation_id, repo["full_name"], repo["id"]))
        return Outcome("synced")

    def reconcile(self) -> Outcome:
        """Every known repository: the safety net for webhooks GitHub never delivered."""
        for installation, repository in self.conn.execute(KNOWN_REPOSITORIES).fetchall():
            self.reconcile_repository(repository, int(installation))
        return Outcome("reconciled")

    def reconcile_repository(
        self,
        repository: str,
        installation_id: int,
        default_branch: str = "",
        repository_id: int | None = None,
        **_: Any,
    ) -> Outcome:
        """Queue an evaluation of every open pull request whose last decision is older than its
        head or than its base branch (a configuration change lands on the base); publish a
        checkpoint of the repository's ledger if it grew since the last one."""
        pulls = self.github.call(
            "GET",
            f"/repos/{repository}/pulls",
            installation_id,
            params={"state": "open", "per_page": 100},
        )
        queued = 0
        tips: dict[str, str] = {}
        for pr in pulls:
            head, base_ref = str(pr["head"]["sha"]), str(pr["base"]["ref"])
            if base_ref not in tips:
                # The base branch as it is now (the API's base.sha can be older): a policy or
                # roster change there makes every decision on it out of date.
                tips[base_ref] = self._base_tip(repository, installation_id, base_ref)
            row = self.conn.execute(LAST_DECISION, (repository, head)).fetchone()
            if row is not None and row[0] == tips[base_ref]:
                continue
            job = events.evaluation(repository, installation_id, int(pr["number"]), head)
            queued += defer(self.conn, job)
        base = default_branch or next(iter(tips), "")
        known = repository_id or next((int(p["base"]["repo"]["id"]) for p in pulls), None)
        if known is None:
            row = self.conn.execute(REPOSITORY_ID, (repository,)).fetchone()
            known = int(row[0]) if row and row[0] is not None else None
        if base and known is not None:
            self.publish_checkpoint(repository, installation_id, known, base)
        return Outcome(f"queued {queued}")

    def checks_of(self, repository: str, installation: int, head: str) -> dict[str, str]:
        """The other apps' check runs on ``head``, what a policy's ``checks`` requirement reads:
        name -> conclusion (its status while it runs); ours left out. Two runs of one name
        (two apps, or a re-run) count as the worse of them, so no app can outvote a failure."""
        return self.check_runs(repository, installation, head)[0]

    def check_runs(
        self, repository: str, installation: int, head: str
    ) -> tuple[dict[str, str], publish.Listed]:
        """``checks_of``, and our own run on ``head`` as the same read found it."""
        per_page = 100
        found = self.github.call(
            "GET",
            f"/repos/{repository}/commits/{head}/check-runs",
            installation,
            params={"filter": "latest", "per_page": per_page},
        )
        out: dict[str, str] = {}
        runs = list(found.get("check_runs", ()))
        ours = [
            int(run["id"])
            for run in runs
            if str((run.get("app") or {}).get("id")) == self.github.app_id
            and run.get("name") == outputs.CHECK_NAME
        ]
        listed = publish.Listed(ours[0] if ours else None, complete=len(runs) < per_page)
        for run in runs:
            if str((run.get("app") or {}).get("id")) == self.github.app_id:
                continue
            name = str(run.get("name", ""))
            done = run.get("status") == "completed"
            state = str((run.get("conclusion") if done else run.get("status")) or "pending")
            if out.get(name, "success") == "success":
                out[name] = state
        return out, listed

    def sync_labels(
        self, installation: int, repository: str, pr: dict[str, Any], conclusion: str
    ) -> None:
        """``publish.sync_labels`` when labels are on (``COUNTERSIGN_LABELS``). A refusal (the
        App not allowed to label) is logged, not retried: the check run already says it."""
        if not self.settings.labels:
            return
        try:
            publish.sync_labels(self.github, installation, repository, pr, conclusion)
        except GitHubRefused as exc:
            log.warning(
                "labels not written: %s",
                exc,
                extra={"repository": repository, "number": pr.get("number")},
            )

    # --- checkpoints ----------------------------------------------------------------------------
    def publish_checkpoint(
        self, repository: str, installation: int, repository_id: int, base: str
    ) -> str:
        """``checkpoints.publish``; a failure is logged (the next write or reconcile tries
        again), and a rewound ledger shows on every evaluation of the repository anyway."""
        fields = {"repository": repository}
        try:
            done = checkpoints.publish(self, repository, installation, repository_id, base)
        except FatalError as exc:
            log.warning("no checkpoint published: %s", exc, extra=fields)
            return f"no checkpoint published: {exc}"
        log.info("%s", done, extra=fields)
        return done

    # --- helpers ------------------------------------------------------------------------------
    def _unchanged(
        self, repository: str, installation: int, pr: dict[str, Any], head: str, digest: str
    ) -> Outcome | None:
        """The head's decision, when it was made with these inputs (``inputs``): kept, its
        title brought up to date."""
        number = int(pr["number"])
        same = self.conn.execute(
            UNCHANGED, (str(pr.get("title") or ""), repository, head, number, digest)
        ).fetchone()
        if same is None:
            return None
        log.info(
            "nothing the evaluation reads changed: answered by the decision in place",
            extra={"repository": repository, "number": number, "head": head, "verdict": same[0]},
        )
        # A label of ours someone took off (or the setting just turned on) is put back.
        self.sync_labels(installation, repository, pr, str(same[2]))
        return Outcome("unchanged", head, str(same[0]), int(same[1]))

    def seen_inputs(self, where: Path, pr: dict[str, Any]) -> Seen:
        """What a digest reads besides the pull request, the change and the check runs."""
        return Seen(
            ledger_head=ledgers.ledger_head(
                self.conn, self.settings.database_url, int(pr["base"]["repo"]["id"])
            ),
            checkpoints=tuple(mirror.refs(where, PUBLISHED[0])),
            today=Environment().today(),  # as open_head's environment dates the evaluation
        )

    def inputs_digest(
        self,
        pr: dict[str, Any],
        pull: PullRequest,
        base: str,
        head: str,
        checks: dict[str, str],
        directory_labels: Iterable[str],
        seen: Seen,
    ) -> str:
        """``inputs.digest`` of what evaluating the pull request reads, the agent directory at
        its base counting ``directory_labels`` (the configuration at one base and head is the
        same each time, and both are in the digest)."""
        return inputs.digest(
            inputs.Inputs(
                base_ref=str(pr["base"]["ref"]),
                base=base,
                head=head,
                pull_request=pull,
                counted_labels=inputs.counted(pull.labels, directory_labels),
                checks=checks,
                ledger_head=seen.ledger_head,
                checkpoints=seen.checkpoints,
                today=seen.today,
                version=__version__,
            )
        )

    def _base_tip(self, repository: str, installation: int, base_ref: str) -> str:
        where = mirror.mirror_path(self.settings.state_dir, installation, repository)
        url = mirror.remote_url(self.settings.git_url, repository)
        token = self.github.token(installation) if url.startswith("http") else None
        refspecs = [f"+refs/heads/{base_ref}:refs/heads/{base_ref}", checkpoints.FETCH]
        began = self._fetched(repository, where, f"refs/heads/{base_ref}")[0]
        mirror.fetch(where, url, refspecs, token=token, partial=self.settings.git_filter)
        mirror.record_fetched(where, f"refs/heads/{base_ref}", began)
        return mirror.resolve(where, f"refs/heads/{base_ref}")

    def fetch(self, repository: str, installation: int, pr: dict[str, Any], head: str) -> Path:
        return self.fetch_head(repository, installation, pr, head)[0]

    def fetch_head(
        self,
        repository: str,
        installation: int,
        pr: dict[str, Any],
        head: str,
        *,
        complete: bool = True,
    ) -> tuple[Path, str]:
        """The mirror, with the pull request's base branch, ``head`` and the ledger's
        checkpoints in it, and the base branch's tip there. ``complete``: with the blobs the
        change of ``head`` from the base reads (a partial mirror); False: the caller asks
        for them (``complete_trees``) once it knows it needs them.

        Fetched only when needed: the head is missing, or the base branch or the checkpoints
        could have moved since they were fetched (a push to the repository was delivered
        since, or that fetch is older than ``COUNTERSIGN_MIRROR_FRESH_S``). A head commit
        present is what it is; a branch is only as current as its last fetch, so the bound
        is what a lost push webhook costs, and the reconcile decides again every decision
        whose base is not the branch's tip."""
        where = mirror.mirror_path(self.settings.state_dir, installation, repository)
        base_ref = f"refs/heads/{pr['base']['ref']}"
        pull_ref = f"refs/pull/{int(pr['number'])}/head"
        began, fresh = self._fetched(repository, where, base_ref)
        if fresh:
            # Refs, not the head's id: asking a partial mirror for an object it lacks makes
            # git fetch it lazily, without the token. The pull request's ref names the head
            # when the last fetch brought it.
            base, tip = mirror.read_ref(where, base_ref), mirror.read_ref(where, pull_ref)
            if base is not None and tip == head:
                if complete:
                    self.complete_trees(where, repository, installation, [base, head])
                return where, base
        url = mirror.remote_url(self.settings.git_url, repository)
        token = self.github.token(installation) if url.startswith("http") else None
        mirror.fetch(
            where,
            url,
            [f"+{base_ref}:{base_ref}", f"+{pull_ref}:{pull_ref}", checkpoints.FETCH],
            token=token,
            partial=self.settings.git_filter,
            complete=False,
            # One git process fewer on most fetches; the packs still kept in check.
            maintain=mirror.needs_maintenance(where),
        )
        mirror.record_fetched(where, base_ref, began)
        base, found = mirror.peel_commits(where, [base_ref, head])
        if found is None:
            mirror.fetch(
                where, url, [head], token=token, partial=self.settings.git_filter, complete=False
            )
        if base is None:
            raise InputError(f"{base_ref} is not in the mirror {where.name}")
        if complete:
            self.complete_trees(where, repository, installation, [base, head])
        return where, base

    def _fetched(self, repository: str, where: Path, ref: str) -> tuple[str, bool]:
        """The database's time now (a fetch beginning now is recorded as of it), and whether
        ``ref`` in ``where`` needs no fetch (``STILL_FETCHED``)."""
        at = mirror.fetched_at(where, ref) if self.settings.mirror_fresh_s > 0 else None
        row = self.conn.execute(
            STILL_FETCHED,
            {"at": at, "fresh": self.settings.mirror_fresh_s, "repository": repository},
        ).fetchone()
        return row[0].isoformat(), bool(row[1])

    def complete_trees(
        self, where: Path, repository: str, installation: int, commits: list[str]
    ) -> str | None:
        """``mirror.complete_trees`` with this repository's remote and token."""
        url = mirror.remote_url(self.settings.git_url, repository)
        token = self.github.token(installation) if url.startswith("http") else None
        return mirror.complete_trees(where, commits, partial=self.settings.git_filter, token=token)

    def ledger(self, repository_id: int) -> str:
        ledgers.create_schema(self.conn, self.settings.database_url, repository_id)
        return ledgers.ledger_url(self.settings.database_url, repository_id)

    def open_pull(self, where: Path, pr: dict[str, Any], head: str) -> Workspace:
        """The workspace of ``head`` against the tip of the pull request's base branch in the
        mirror ``where``, with the base repository's ledger: what a command, a review or a
        dashboard action is judged on."""
        return open_head(
            where,
            base=mirror.resolve(where, f"refs/heads/{pr['base']['ref']}"),
            head=head,
            ledger=self.ledger(int(pr["base"]["repo"]["id"])),
            state=self.settings.state_dir / "state",
        )

    def observe(self, received_at: Any) -> None:
        if self.observe_latency is None or not isinstance(received_at, str) or not received_at:
            return
        try:
            received = datetime.fromisoformat(received_at)
        except ValueError:
            return
        self.observe_latency((datetime.now(UTC) - received).total_seconds())


class WorkerMetrics:
    """A worker's own metrics: decision latency (delivery to check run) and GitHub API errors."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "countersign_decision_latency_seconds",
            "From the webhook's arrival to the check run posted",
            buckets=(0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
            registry=self.registry,
        )
        self.errors = Counter(
            "countersign_github_api_errors",
            "GitHub API errors by kind",
            ("kind",),
            registry=self.registry,
        )

    def api_error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def serve(self, port: int) -> None:
        from prometheus_client import start_http_server

        start_http_server(port, registry=self.registry)


def open_jobs(
    settings: Settings,
    *,
    max_wait: float = 60.0,
    backoff: float = 1.0,
    observe_latency: Any = None,
    on_api_error: Any = None,
    github: GitHub | None = None,
) -> Jobs:
    """The jobs of one worker process: its GitHub client (``github``: one already open, shared
    with other threads: httpx's client and the token cache are) and its database connection."""
    import psycopg

    github = github or GitHub(
        settings.api_url,
        settings.app_id,
        settings.private_key(),
        max_wait=max_wait,
        backoff=backoff,
        on_error=on_api_error or (lambda _kind: None),
    )

    def connect() -> Any:
        return psycopg.connect(settings.database_url, autocommit=True, connect_timeout=10)

    return Jobs(settings, github, connect(), observe_latency, connect)


class PerThread:
    """``Jobs`` for each thread that runs jobs (procrastinate runs each synchronous job in a
    thread of its executor): a database connection each, one GitHub client for all. Called by
    the tasks before each job; ``close`` closes every one it opened."""

    def __init__(self, first: Jobs, make: Callable[[GitHub], Jobs]) -> None:
        from countersign.signoff import kept_connections

        # Each job opens its repository's ledger: a thread keeps those connections for the
        # next job instead of connecting (and running the ledger schema's statements) anew.
        self._ledgers = kept_connections.keep()
        self.github = first.github
        self._make = make
        self._local = threading.local()
        self._lock = threading.Lock()
        self._spare = [first]  # opened at start-up: a bad configuration fails there
        self._opened = [first]

    def __call__(self) -> Jobs:
        jobs: Jobs | None = getattr(self._local, "jobs", None)
        if jobs is None:
            with self._lock:
                jobs = self._spare.pop() if self._spare else None
            if jobs is None:
                jobs = self._make(self.github)
                with self._lock:
                    self._opened.append(jobs)
            self._local.jobs = jobs
        return jobs

    def close(self) -> None:
        with self._lock:
            for jobs in self._opened:
                jobs.conn.close()
        self._ledgers.close()
        self.github.close()
