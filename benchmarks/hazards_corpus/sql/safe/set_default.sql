-- set default
ALTER TABLE users ALTER COLUMN active SET DEFAULT true;
