-- drop type cascade
DROP TYPE order_status CASCADE;
