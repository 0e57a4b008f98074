-- serial column
ALTER TABLE tags ADD COLUMN position bigserial;
