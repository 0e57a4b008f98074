-- sequence cache
ALTER SEQUENCE orders_id_seq CACHE 20;
