-- reindex concurrently
REINDEX INDEX CONCURRENTLY orders_pkey;
