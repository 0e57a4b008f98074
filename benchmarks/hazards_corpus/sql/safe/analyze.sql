-- analyze
ANALYZE orders;
