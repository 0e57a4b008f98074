-- type change using
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2) USING amount::numeric;
