-- refresh concurrently
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales;
