-- create extension
CREATE EXTENSION IF NOT EXISTS pgcrypto;
