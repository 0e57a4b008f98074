"""The digest of everything one evaluation of a pull request head reads, so an event that
changes none of it is answered by the decision already made (``worker.evaluate_pull_request``).

What an evaluation reads: the head and the base branch's tip (the change, and the policy,
roster, catalog and agent directory at the base), the pull request's fields the facts read
(number, body, author, head branch, its address, and only the labels the agent directory
counts), the other apps' check runs, the repository's ledger up to its newest entry (every
review, command, dashboard approval and withdrawal is an entry), the published checkpoints,
the day (rules are in force by date) and the version of countersign. A title is read by no
fact, so a title edit changes nothing here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from countersign.intake.pull_request import PullRequest

# Bump when what an evaluation reads changes shape: every stored digest is then stale.
DIGEST_VERSION = 1


@dataclass(frozen=True)
class Inputs:
    base_ref: str
    base: str
    head: str
    pull_request: PullRequest
    counted_labels: tuple[str, ...]
    checks: Mapping[str, str]
    ledger_head: tuple[int, str] | None
    checkpoints: tuple[tuple[str, str], ...]
    today: date
    version: str


def counted(labels: Iterable[str], directory_labels: Iterable[str]) -> tuple[str, ...]:
    """The labels the agent directory counts, spelled as it compares them."""
    known = set(directory_labels)
    return tuple(sorted({n for label in labels if (n := " ".join(label.lower().split())) in known}))


def digest(inputs: Inputs) -> str:
    pr = inputs.pull_request
    document = {
        "v": DIGEST_VERSION,
        "countersign": inputs.version,
        "base_ref": inputs.base_ref,
        "base": inputs.base,
        "head": inputs.head,
        "pull_request": {
            "number": pr.number,
            "body": pr.body,
            "author": pr.author,
            "head_ref": pr.head_ref,
            "url": pr.url,
            "labels": list(inputs.counted_labels),
        },
        "checks": dict(sorted(inputs.checks.items())),
        "ledger": list(inputs.ledger_head) if inputs.ledger_head else None,
        "checkpoints": [list(pair) for pair in sorted(inputs.checkpoints)],
        "today": inputs.today.isoformat(),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
