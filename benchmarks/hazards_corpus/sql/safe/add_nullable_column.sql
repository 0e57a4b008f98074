-- add nullable column
ALTER TABLE users ADD COLUMN nickname text;
