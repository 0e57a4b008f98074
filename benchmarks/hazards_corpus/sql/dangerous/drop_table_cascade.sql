-- drop table cascade
DROP TABLE customers CASCADE;
