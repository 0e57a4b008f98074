-- drop index
DROP INDEX orders_status;
