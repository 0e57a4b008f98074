-- create view
CREATE VIEW active_users AS SELECT * FROM users WHERE active;
