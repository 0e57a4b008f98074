"""A delivery accepted in one round trip: ``countersign_accept_v1`` records the delivery once and
defers its jobs (procrastinate's ``procrastinate_defer_jobs_v1``), a job whose queueing lock is
already waiting counted as coalesced, all in one statement; the receiver made seven round trips
for it before (begin, insert, a savepoint, defer and release per job, update, commit).

Revision ID: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION countersign_accept_v1(
    p_delivery_id text,
    p_body_sha256 text,
    p_event text,
    p_action text,
    p_installation_id bigint,
    p_repository text,
    p_queue text,
    p_jobs jsonb
) RETURNS TABLE (was_duplicate boolean, jobs_queued integer, jobs_coalesced integer)
LANGUAGE plpgsql AS $$
DECLARE
    job jsonb;
    n_queued integer := 0;
    n_coalesced integer := 0;
BEGIN
    INSERT INTO countersign_deliveries
        (delivery_id, body_sha256, event, action, installation_id, repository, jobs)
    VALUES (p_delivery_id, p_body_sha256, p_event, p_action, p_installation_id, p_repository, 0)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT true, 0, 0;
        RETURN;
    END IF;
    FOR job IN SELECT value FROM jsonb_array_elements(p_jobs) LOOP
        BEGIN
            PERFORM procrastinate_defer_jobs_v1(ARRAY[ROW(
                p_queue, job->>'task', 0, job->>'lock', job->>'queueing_lock', job->'args',
                NULL::timestamptz
            )]::procrastinate_job_to_defer_v1[]);
            n_queued := n_queued + 1;
        EXCEPTION WHEN unique_violation THEN
            n_coalesced := n_coalesced + 1;
        END;
    END LOOP;
    UPDATE countersign_deliveries SET jobs = n_queued WHERE delivery_id = p_delivery_id;
    RETURN QUERY SELECT false, n_queued, n_coalesced;
END
$$;
"""


def upgrade() -> None:
    raw = op.get_bind().connection.driver_connection
    if raw is None:  # pragma: no cover - alembic always hands over an open connection
        raise RuntimeError("no database connection")
    raw.execute(FUNCTION)


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION countersign_accept_v1(text, text, text, text, bigint, text, text, jsonb)"
    )
