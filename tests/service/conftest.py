"""Service fixtures: a migrated PostgreSQL schema of its own per test, and settings on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_github import FakeGitHub
from github_service import PG_BASE, SECRET, drop_schemas
from loopback import serving
from service_world import APP_ID, World, app_keys

from countersign.service.settings import Settings


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh schema with the service's migrations applied; the URL selects it."""
    psycopg = pytest.importorskip("psycopg")
    from countersign.service.migrate import upgrade

    schema = f"cs_svc_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(PG_BASE, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_BASE}: {exc}")
    url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        drop_schemas(schema)


@pytest.fixture
def settings(database: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database, webhook_secret=SECRET, state_dir=tmp_path / "state")


@pytest.fixture
def world(database: str, tmp_path: Path) -> Iterator[World]:
    """A repository on the fake GitHub, served on loopback for the test."""
    key_path, public = app_keys(tmp_path)
    github = FakeGitHub(app_id=APP_ID, public_key=public)
    with serving(github.app()) as api:
        made = World(tmp_path / "world", database, key_path, github, api_url=api)
        made.create_repository()
        yield made
    assert github.violations == [], "requests GitHub's API description refuses"
