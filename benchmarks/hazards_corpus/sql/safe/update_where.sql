-- update where
UPDATE accounts SET plan = 'pro' WHERE id = 42;
