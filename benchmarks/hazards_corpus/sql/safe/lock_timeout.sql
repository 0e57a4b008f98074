-- lock timeout
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN note text;
