"""Alembic migrations of the service's schema (``countersign serve migrate``)."""
