"""Every evaluation a worker makes, not only each head's latest: the Decisions page lists them
with their verdict and full reasons. Existing decisions become each head's first evaluation.

Revision ID: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE countersign_evaluations (
    id bigserial PRIMARY KEY,
    repository text NOT NULL,
    number integer NOT NULL,
    head_sha text NOT NULL,
    base_sha text NOT NULL,
    fingerprint text NOT NULL,
    verdict text NOT NULL,
    conclusion text NOT NULL,
    evaluated_at timestamptz NOT NULL DEFAULT now(),
    title text NOT NULL DEFAULT '',
    author text NOT NULL DEFAULT '',
    url text NOT NULL DEFAULT '',
    services text[] NOT NULL DEFAULT '{}',
    rules text[] NOT NULL DEFAULT '{}',
    ai_assisted boolean NOT NULL DEFAULT false,
    provenance text NOT NULL DEFAULT 'none',
    risk double precision,
    summary jsonb NOT NULL DEFAULT '{}',
    report text NOT NULL DEFAULT ''
);
-- Newest first is the id order (one sequence); each filter has an index that keeps that order.
CREATE INDEX countersign_evaluations_repository ON countersign_evaluations (repository, id DESC);
CREATE INDEX countersign_evaluations_head ON countersign_evaluations (repository, head_sha, id);
CREATE INDEX countersign_evaluations_verdicts ON countersign_evaluations
    (verdict, ai_assisted, id DESC);
CREATE INDEX countersign_evaluations_services ON countersign_evaluations USING gin (services);
CREATE INDEX countersign_evaluations_rules ON countersign_evaluations USING gin (rules);

INSERT INTO countersign_evaluations
    (repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, evaluated_at,
     title, author, url, services, rules, ai_assisted, provenance, risk, summary, report)
SELECT repository, number, head_sha, base_sha, fingerprint, verdict, conclusion, decided_at,
       title, author, url, services, rules, ai_assisted, provenance, risk, summary, report
FROM countersign_decisions WHERE kind = 'pull_request' ORDER BY decided_at;
"""


def upgrade() -> None:
    raw = op.get_bind().connection.driver_connection
    if raw is None:  # pragma: no cover - alembic always hands over an open connection
        raise RuntimeError("no database connection")
    raw.execute(TABLES)


def downgrade() -> None:
    op.execute("DROP TABLE countersign_evaluations")
