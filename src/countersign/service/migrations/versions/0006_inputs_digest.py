"""Each pull request decision keeps a digest of everything its evaluation read, so an event that
changes none of it (a title edit, a label nothing reads, a repeated synchronize) is answered by
the decision in place. Existing decisions have none: their next event evaluates them afresh.

Revision ID: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE countersign_decisions ADD COLUMN inputs_digest text")


def downgrade() -> None:
    op.execute("ALTER TABLE countersign_decisions DROP COLUMN inputs_digest")
