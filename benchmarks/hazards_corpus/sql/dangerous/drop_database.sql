-- drop database
DROP DATABASE shop_staging;
