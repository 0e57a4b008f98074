"""What the service remembers of each decision (one row per head and kind: a pull request or a
merge group), and what a job reports it did."""

from __future__ import annotations

from dataclasses import dataclass

LAST_DECISION = """
SELECT base_sha FROM countersign_decisions
WHERE repository = %s AND head_sha = %s AND kind = 'pull_request'
"""
# inputs_digest: ``inputs.digest`` of what the evaluation read; NULL where the decision must be
# made again on every event (a merge group, a break-glass with its expiry).
SAVE_DECISION = """
INSERT INTO countersign_decisions
    (repository, head_sha, kind, number, base_sha, fingerprint, verdict, conclusion,
     check_run_id, inputs_digest, directory_labels, decided_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, now())
ON CONFLICT (repository, head_sha, kind) DO UPDATE SET
    number = EXCLUDED.number, base_sha = EXCLUDED.base_sha, fingerprint = EXCLUDED.fingerprint,
    verdict = EXCLUDED.verdict, conclusion = EXCLUDED.conclusion,
    check_run_id = EXCLUDED.check_run_id, inputs_digest = EXCLUDED.inputs_digest,
    directory_labels = EXCLUDED.directory_labels, decided_at = now()
"""
# The labels the agent directory counted when the head's decision was made (with its base in
# the digest, the same configuration): the next event's digest needs no opened change.
DIRECTORY_LABELS = """
SELECT directory_labels FROM countersign_decisions
WHERE repository = %s AND head_sha = %s AND kind = 'pull_request' AND inputs_digest IS NOT NULL
  AND directory_labels IS NOT NULL
"""
# The decision an unchanged event is answered by: the dashboard's title is the one thing kept
# current (a title is read by no fact).
UNCHANGED = """
UPDATE countersign_decisions SET title = %s
WHERE repository = %s AND head_sha = %s AND kind = 'pull_request' AND number = %s
  AND inputs_digest = %s AND check_run_id IS NOT NULL
RETURNING verdict, check_run_id, conclusion
"""


@dataclass(frozen=True)
class Outcome:
    """What a job did, for its log line and the tests."""

    status: str
    head: str = ""
    verdict: str = ""
    check_run_id: int | None = None
