-- drop constraint
ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;
