-- sqlite/create index
CREATE INDEX notes_tag ON notes (tag);
