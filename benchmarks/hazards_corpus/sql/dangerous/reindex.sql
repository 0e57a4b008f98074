-- reindex
REINDEX TABLE orders;
