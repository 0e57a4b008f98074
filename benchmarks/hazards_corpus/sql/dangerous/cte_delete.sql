-- cte delete
WITH gone AS (DELETE FROM carts RETURNING id) SELECT count(*) FROM gone;
