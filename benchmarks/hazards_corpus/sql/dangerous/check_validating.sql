-- check validating
ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount > 0);
