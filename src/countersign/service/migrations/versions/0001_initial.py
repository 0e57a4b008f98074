"""The job queue (procrastinate's own schema at the version installed) and the service's tables.

Revision ID: 0001
"""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE countersign_deliveries (
    delivery_id text PRIMARY KEY,
    body_sha256 text NOT NULL UNIQUE,
    event text NOT NULL,
    action text NOT NULL DEFAULT '',
    installation_id bigint,
    repository text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL DEFAULT now(),
    jobs integer NOT NULL DEFAULT 0
);
CREATE TABLE countersign_installations (
    installation_id bigint NOT NULL,
    repository text NOT NULL,
    repository_id bigint NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (installation_id, repository)
);
CREATE TABLE countersign_decisions (
    repository text NOT NULL,
    head_sha text NOT NULL,
    kind text NOT NULL DEFAULT 'pull_request',
    number integer NOT NULL,
    base_sha text NOT NULL,
    fingerprint text NOT NULL,
    verdict text NOT NULL,
    conclusion text NOT NULL,
    check_run_id bigint,
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repository, head_sha, kind)
);
CREATE TABLE countersign_comments (
    repository text NOT NULL,
    number integer NOT NULL,
    comment_id bigint NOT NULL,
    PRIMARY KEY (repository, number)
);
"""


def upgrade() -> None:
    # Straight to psycopg, in alembic's transaction: procrastinate's SQL has ':' and '%' that
    # SQLAlchemy and parameter parsing would read as placeholders.
    raw = op.get_bind().connection.driver_connection
    if raw is None:  # pragma: no cover - alembic always hands over an open connection
        raise RuntimeError("no database connection")
    raw.execute(SchemaManager.get_schema())
    raw.execute(TABLES)


def downgrade() -> None:
    raise NotImplementedError("the first schema is not downgraded: restore a backup instead")
