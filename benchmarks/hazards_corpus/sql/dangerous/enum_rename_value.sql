-- enum rename value
ALTER TYPE order_status RENAME VALUE 'shipped' TO 'sent';
