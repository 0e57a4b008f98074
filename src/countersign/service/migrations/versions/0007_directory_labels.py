"""Each pull request decision keeps the labels the agent directory at its base counted (the
names, not the pull request's labels), so the next event's inputs digest is computed without
opening the change: the configuration at one base and head is the same every time. NULL (the
decisions made before): the change is opened to learn them, as before.

Revision ID: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE countersign_decisions ADD COLUMN directory_labels jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE countersign_decisions DROP COLUMN directory_labels")
