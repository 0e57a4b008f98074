-- check not valid
ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;
