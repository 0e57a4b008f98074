"""Upgrade the service's schema to the newest revision with Alembic."""

from __future__ import annotations

from alembic import command
from alembic.config import Config


def alembic_url(database_url: str) -> str:
    """SQLAlchemy's spelling of the URL, on the psycopg 3 driver."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres"):
        raise ValueError("expected a postgresql:// URL")
    return f"postgresql+psycopg://{rest}"


def upgrade(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", "countersign.service:migrations")
    # '%' is ConfigParser interpolation; a URL-encoded option (%3D) must survive it.
    config.set_main_option("sqlalchemy.url", alembic_url(database_url).replace("%", "%%"))
    command.upgrade(config, "head")
