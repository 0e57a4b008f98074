-- set tablespace
ALTER TABLE orders SET TABLESPACE archive;
