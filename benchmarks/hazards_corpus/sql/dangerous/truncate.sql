-- truncate
TRUNCATE audit_log;
