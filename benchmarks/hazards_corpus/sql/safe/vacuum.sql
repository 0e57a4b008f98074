-- vacuum
VACUUM (ANALYZE) orders;
