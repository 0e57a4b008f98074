-- index concurrently
CREATE INDEX CONCURRENTLY orders_created_at ON orders (created_at);
