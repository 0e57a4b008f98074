-- sqlite/not null
ALTER TABLE notes ADD COLUMN owner TEXT NOT NULL;
