"""The service publishes its ledgers' checkpoints where every machine sees them: after it writes
to a repository's ledger (a review, a command) and on every reconcile (a push to the default
branch, and every few minutes), it signs a checkpoint of the ledger's head and pushes it to the
repository's ``countersign/checkpoints`` branch. Workers fetch that branch with every pull
request, and clones see it as ``origin/countersign/checkpoints``, so a worker or CI runner that
never read the ledger still sees a rewind of it (``signoff.checkpoint.PUBLISHED``).

The branch only moves forward: each checkpoint is a commit on the last one, pushed without
force, so two workers racing build one on the other. A ledger that does not verify, or is
behind the checkpoint already published, is never checkpointed: the publication fails and
says why, as every evaluation of the repository then does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from countersign.config import CONFIG_DIR
from countersign.errors import InputError
from countersign.service import fence, mirror
from countersign.signoff.checkpoint import (
    CHECKPOINT_FILE,
    PUBLISHED,
    PUBLISHED_BRANCH,
    checkpoints_in,
    file_at,
    newest_for,
    with_line,
)
from countersign.signoff.checkpointing import checkpoint_of
from countersign.signoff.ledger import now_iso
from countersign.workspace import Environment, ledger_for

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

log = logging.getLogger("countersign.service.checkpoints")

# Fetched with every base branch: a pattern, so a repository without the branch yet fetches.
FETCH = f"+{PUBLISHED[0]}*:{PUBLISHED[0]}*"
ATTEMPTS = 3  # another worker publishing meanwhile moves the branch: build on its commit


def publish(jobs: Jobs, repository: str, installation: int, repository_id: int, base: str) -> str:
    """Publish a checkpoint of the repository's ledger, its keys read as pinned on branch
    ``base`` (the default branch, or the pull request's base). Says what it did."""
    where = mirror.mirror_path(jobs.settings.state_dir, installation, repository)
    url = mirror.remote_url(jobs.settings.git_url, repository)
    token = jobs.github.token(installation) if url.startswith("http") else None
    environment = Environment(
        ledger=jobs.ledger(repository_id), state_dir=jobs.settings.state_dir / "state"
    )
    for _ in range(ATTEMPTS):
        mirror.fetch(
            where,
            url,
            [f"+refs/heads/{base}:refs/heads/{base}", FETCH],
            token=token,
            partial=jobs.settings.git_filter,
        )
        ledger = ledger_for(where, environment, pins_at=f"refs/heads/{base}")
        entries = ledger.records()  # refuses a ledger behind any checkpoint seen (a rewind)
        published = newest_for(ledger.store.location, checkpoints_in(where, PUBLISHED[:1]))
        if not entries or (published is not None and published.seq >= entries[-1].seq):
            return "checkpoint up to date"
        checkpoint, head = checkpoint_of(ledger, now_iso())
        parent = _tip(where)
        text = with_line(file_at(where, PUBLISHED[0]) if parent else "", checkpoint)
        commit = mirror.commit_file(
            where,
            parent,
            f"{CONFIG_DIR}/{CHECKPOINT_FILE}",
            text.encode("utf-8"),
            f"Ledger checkpoint: entry {head.seq}\n\n{checkpoint.line()}\n",
        )
        fence.before_write()
        try:
            mirror.push(where, url, f"{commit}:{PUBLISHED[0]}", token=token)
        except InputError as exc:
            log.info("checkpoint push refused, trying again: %s", exc)
            continue
        mirror.set_ref(where, PUBLISHED[0], commit)
        return f"published the checkpoint at entry {head.seq} on {PUBLISHED_BRANCH}"
    raise InputError(f"{repository}: {PUBLISHED_BRANCH} kept moving; the checkpoint waits")


def _tip(where: Path) -> str | None:
    try:
        return mirror.resolve(where, PUBLISHED[0])
    except InputError:
        return None
