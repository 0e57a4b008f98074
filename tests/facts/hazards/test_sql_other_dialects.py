"""MySQL and SQLite migrations, where a migration declares them: rules from the InnoDB online
DDL and SQLite ALTER TABLE documentation, each with a safe counterpart."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hazard_cases import diff, kinds

from countersign.config import Config
from countersign.config.hazards import HazardSettings
from countersign.facts.context import Context
from countersign.facts.hazards.sql import declared_dialect

MYSQL = "db/mysql/V2__change.sql"
SQLITE = "db/sqlite/0002.sql"


@pytest.mark.parametrize(
    ("dangerous", "safe", "kind"),
    [
        (
            "ALTER TABLE t MODIFY COLUMN c BIGINT;",
            "ALTER TABLE t ADD COLUMN d INT, ALGORITHM=INSTANT;",
            "sql.alter_column_type",
        ),
        (
            "ALTER TABLE t DROP COLUMN c;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;",
            "sql.drop_column",
        ),
        ("DROP TABLE `orders`;", "CREATE TABLE `orders2` (id INT);", "sql.drop_table"),
        ("DELETE FROM t;", "DELETE FROM t WHERE id = 1;", "sql.delete_without_where"),
        ("UPDATE t SET c = 1;", "UPDATE t SET c = 1 WHERE id = 2;", "sql.update_without_where"),
        ("TRUNCATE TABLE t;", "ANALYZE TABLE t;", "sql.truncate"),
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id);",
            "CREATE INDEX i ON t (c);",
            "sql.constraint_without_not_valid",
        ),
        ("SET FOREIGN_KEY_CHECKS = 0;", "SET NAMES utf8mb4;", "sql.foreign_key_checks_off"),
        ("RENAME TABLE a TO b;", "CREATE TABLE b LIKE a;", "sql.rename"),
        ("ALTER TABLE t RENAME COLUMN a TO b;", "ALTER TABLE t COMMENT = 'x';", "sql.rename"),
        (
            "CREATE FULLTEXT INDEX f ON t (body);",
            "CREATE INDEX f ON t (body);",
            "sql.index_without_concurrently",
        ),
        ("LOCK TABLES t WRITE;", "LOCK TABLES t READ;", "sql.lock_table"),
    ],
)
def test_mysql_rule_and_its_safe_counterpart(dangerous, safe, kind):
    assert kinds(diff(MYSQL, dangerous)) == [kind]
    assert diff(MYSQL, safe) == ()


def test_mysql_backslash_escapes_do_not_cut_a_statement():
    sql = "INSERT INTO t VALUES ('it\\'s; fine', \"a\\\";b\");\nDROP TABLE t;\n"
    assert [(h.line, h.kind) for h in diff(MYSQL, sql)] == [(2, "sql.drop_table")]


@pytest.mark.parametrize(
    ("dangerous", "safe", "kind"),
    [
        (
            "ALTER TABLE u ADD COLUMN z TEXT NOT NULL;",
            "ALTER TABLE u ADD COLUMN z TEXT NOT NULL DEFAULT '';",
            "sql.not_null_without_default",
        ),
        ("ALTER TABLE u DROP COLUMN q;", "ALTER TABLE u ADD COLUMN q TEXT;", "sql.drop_column"),
        ("PRAGMA foreign_keys=OFF;", "PRAGMA foreign_keys=ON;", "sql.foreign_key_checks_off"),
        ("ALTER TABLE u RENAME TO v;", "CREATE INDEX i ON u (a);", "sql.rename"),
    ],
)
def test_sqlite_rule_and_its_safe_counterpart(dangerous, safe, kind):
    assert kinds(diff(SQLITE, dangerous)) == [kind]
    assert diff(SQLITE, safe) == ()


def test_sqlite_documented_rebuild_is_a_rewrite_not_a_loss():
    sql = (
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        "CREATE TABLE new_t (id INTEGER PRIMARY KEY, c TEXT);\n"
        "INSERT INTO new_t SELECT id, c FROM t;\nDROP TABLE t;\n"
        "ALTER TABLE new_t RENAME TO t;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;\n"
    )
    assert [(h.line, h.kind) for h in diff(SQLITE, sql)] == [(5, "sql.table_rewrite")]


def test_dialect_declared_by_liquibase_changeset():
    sql = (
        "--liquibase formatted sql\n--changeset ana:1 dbms:mysql\nALTER TABLE t MODIFY c BIGINT;\n"
    )
    assert declared_dialect("changes/1.sql", sql) == "mysql"
    assert kinds(diff("changes/1.sql", sql)) == ["sql.alter_column_type"]


def test_dialect_from_settings_when_the_file_declares_none():
    context = Context(config=replace(Config(), hazards=HazardSettings(sql_dialect="sqlite")))
    assert kinds(diff("0002.sql", "ALTER TABLE u DROP COLUMN q;", context=context)) == [
        "sql.drop_column"
    ]


def test_a_statement_mysql_rejects_is_a_finding():
    (hazard,) = diff(MYSQL, "ALTER TABLE WHERE;")
    assert hazard.kind == "sql.unparseable"
    assert "does not parse as MySQL" in hazard.detail
