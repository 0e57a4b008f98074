-- delete all
DELETE FROM sessions;
