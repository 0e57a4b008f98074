"""The push deliveries of a repository since a moment, found by an index: a worker asks before
each evaluation whether a branch it fetched could have moved since (``worker.fetch_head``).

Revision ID: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE INDEX countersign_deliveries_pushes ON countersign_deliveries "
        "(repository, received_at) WHERE event = 'push'"
    )


def downgrade() -> None:
    op.execute("DROP INDEX countersign_deliveries_pushes")
