-- new table work
CREATE TABLE staging (id int, v text);
CREATE INDEX ON staging (v);
ALTER TABLE staging ALTER COLUMN v SET NOT NULL;
UPDATE staging SET v = 'x';
