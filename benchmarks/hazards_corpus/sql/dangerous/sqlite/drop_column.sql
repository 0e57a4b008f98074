-- sqlite/drop column
ALTER TABLE notes DROP COLUMN body;
