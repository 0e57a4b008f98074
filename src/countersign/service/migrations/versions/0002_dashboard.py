"""The dashboard's reads: each decision's reasons and facts, the sign-offs it asks for (one row
per open requirement: the reviewers' queues), each repository's roster as last evaluated, and
the actions taken from the dashboard (approve, send back) on their way to a worker.

Revision ID: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = """
ALTER TABLE countersign_decisions
    ADD COLUMN installation_id bigint,
    ADD COLUMN repository_id bigint,
    ADD COLUMN title text NOT NULL DEFAULT '',
    ADD COLUMN author text NOT NULL DEFAULT '',
    ADD COLUMN url text NOT NULL DEFAULT '',
    ADD COLUMN services text[] NOT NULL DEFAULT '{}',
    ADD COLUMN rules text[] NOT NULL DEFAULT '{}',
    ADD COLUMN ai_assisted boolean NOT NULL DEFAULT false,
    ADD COLUMN provenance text NOT NULL DEFAULT 'none',
    ADD COLUMN risk double precision,
    ADD COLUMN summary jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN report text NOT NULL DEFAULT '';
-- Covering indexes: the friction and insight aggregates read them without the rows.
CREATE INDEX countersign_decisions_recent ON countersign_decisions (decided_at DESC)
    INCLUDE (repository, kind, rules);
CREATE INDEX countersign_decisions_verdicts ON countersign_decisions
    (repository, kind, ai_assisted, verdict);
CREATE INDEX countersign_decisions_services ON countersign_decisions USING gin (services);
CREATE INDEX countersign_decisions_rules ON countersign_decisions USING gin (rules);

CREATE TABLE countersign_requests (
    id bigserial PRIMARY KEY,
    repository text NOT NULL,
    number integer NOT NULL,
    head_sha text NOT NULL,
    fingerprint text NOT NULL,
    requirement text NOT NULL,
    rule text NOT NULL,
    min_level text,
    level_rank integer NOT NULL DEFAULT -1,
    teams text[] NOT NULL DEFAULT '{}',
    count integer NOT NULL DEFAULT 1,
    reason text NOT NULL DEFAULT '',
    makers text[] NOT NULL DEFAULT '{}',
    approvers text[] NOT NULL DEFAULT '{}',
    asked_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    outcome text,
    UNIQUE (repository, head_sha, requirement)
);
CREATE INDEX countersign_requests_open ON countersign_requests (asked_at)
    WHERE closed_at IS NULL;
CREATE INDEX countersign_requests_pull ON countersign_requests (repository, number)
    WHERE closed_at IS NULL;
CREATE INDEX countersign_requests_asked ON countersign_requests (asked_at)
    INCLUDE (repository, rule);
CREATE INDEX countersign_requests_signed ON countersign_requests (closed_at)
    INCLUDE (repository, asked_at, approvers) WHERE outcome = 'satisfied';

CREATE TABLE countersign_people (
    repository text NOT NULL,
    person text NOT NULL,
    github text NOT NULL DEFAULT '',
    emails text[] NOT NULL DEFAULT '{}',
    level text,
    level_rank integer NOT NULL DEFAULT -1,
    teams text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (repository, person)
);
CREATE INDEX countersign_people_github ON countersign_people (lower(github));

CREATE TABLE countersign_ledger_status (
    repository text PRIMARY KEY,
    location text NOT NULL,
    pinned_in text,
    checkpoint bigint,
    seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE countersign_dashboard_actions (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL,
    repository text NOT NULL,
    number integer NOT NULL,
    head_sha text NOT NULL,
    fingerprint text NOT NULL,
    login text NOT NULL,
    identity text NOT NULL,
    action text NOT NULL,
    comment text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'queued',
    result text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL DEFAULT now(),
    done_at timestamptz
);
"""


def upgrade() -> None:
    raw = op.get_bind().connection.driver_connection
    if raw is None:  # pragma: no cover - alembic always hands over an open connection
        raise RuntimeError("no database connection")
    raw.execute(TABLES)


def downgrade() -> None:
    op.execute(
        "DROP TABLE countersign_dashboard_actions, countersign_ledger_status, countersign_people,"
        " countersign_requests;"
        "DROP INDEX countersign_decisions_recent, countersign_decisions_services,"
        " countersign_decisions_rules, countersign_decisions_verdicts;"
        "ALTER TABLE countersign_decisions DROP COLUMN installation_id, DROP COLUMN repository_id,"
        " DROP COLUMN title, DROP COLUMN author, DROP COLUMN url, DROP COLUMN services,"
        " DROP COLUMN rules, DROP COLUMN ai_assisted, DROP COLUMN provenance, DROP COLUMN risk,"
        " DROP COLUMN summary, DROP COLUMN report"
    )
