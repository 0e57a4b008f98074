-- drop schema
DROP SCHEMA reporting CASCADE;
