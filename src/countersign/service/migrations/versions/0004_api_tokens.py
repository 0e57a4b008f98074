"""Personal API tokens for the dashboard's JSON API: read-only, kept as a SHA-256 digest (the
token is shown once), each with an expiry and a revocation time.

Revision ID: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE countersign_api_tokens (
    id bigserial PRIMARY KEY,
    login text NOT NULL,
    via text NOT NULL,
    name text NOT NULL,
    digest text NOT NULL UNIQUE,
    shown text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX countersign_api_tokens_login ON countersign_api_tokens (lower(login));
"""


def upgrade() -> None:
    raw = op.get_bind().connection.driver_connection
    if raw is None:  # pragma: no cover - alembic always hands over an open connection
        raise RuntimeError("no database connection")
    raw.execute(TABLES)


def downgrade() -> None:
    op.execute("DROP TABLE countersign_api_tokens")
