-- sqlite/add column
ALTER TABLE notes ADD COLUMN tag TEXT;
