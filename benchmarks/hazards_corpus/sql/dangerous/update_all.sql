-- update all
UPDATE accounts SET plan = 'free';
