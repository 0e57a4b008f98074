-- drop not null
ALTER TABLE invoices ALTER COLUMN paid_at DROP NOT NULL;
