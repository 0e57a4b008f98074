-- add column constant default
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
