-- drop column
ALTER TABLE users DROP COLUMN password_hash;
