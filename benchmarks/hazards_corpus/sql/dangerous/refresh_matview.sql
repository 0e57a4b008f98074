-- refresh matview
REFRESH MATERIALIZED VIEW daily_sales;
