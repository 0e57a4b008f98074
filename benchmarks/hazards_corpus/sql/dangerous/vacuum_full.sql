-- vacuum full
VACUUM FULL orders;
