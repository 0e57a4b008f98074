-- batched backfill
UPDATE users SET tenant_id = 1 WHERE id BETWEEN 1 AND 10000 AND tenant_id IS NULL;
