-- sequence restart
ALTER SEQUENCE orders_id_seq RESTART WITH 1;
