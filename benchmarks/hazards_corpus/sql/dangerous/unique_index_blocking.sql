-- unique index blocking
CREATE UNIQUE INDEX users_email ON users (lower(email));
