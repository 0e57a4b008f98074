-- drop index concurrently
DROP INDEX CONCURRENTLY IF EXISTS orders_old;
