from __future__ import annotations

from dataclasses import replace

import pytest
from hazard_cases import FIXTURES, diff, kinds, scan

from countersign.config import Config
from countersign.config.hazards import HazardSettings
from countersign.facts.context import Context
from countersign.facts.hazards import Severity

SQL = FIXTURES / "sql"


def test_destructive_migration_reports_each_statement_on_its_line():
    hazards = scan(SQL / "0042_destructive.sql")
    assert sorted((h.line, h.kind) for h in hazards) == [
        (2, "sql.drop_table"),
        (3, "sql.drop_schema"),
        (4, "sql.drop_column"),
        (5, "sql.truncate"),
        (6, "sql.delete_without_where"),
        (7, "sql.update_without_where"),
    ]
    assert all(h.analyzer == "sql" for h in hazards)
    assert "CASCADE" in next(h for h in hazards if h.kind == "sql.drop_table").detail


def test_safe_migration_has_no_hazards():
    assert scan(SQL / "0043_safe.sql") == ()


@pytest.mark.parametrize(
    ("risky", "safe", "kind"),
    [
        ("DROP DATABASE shop;", "CREATE DATABASE shop;", "sql.drop_database"),
        ("TRUNCATE a, b CASCADE;", "SELECT count(*) FROM a;", "sql.truncate"),
        (
            "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;",
            "sql.alter_column_type",
        ),
        (
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;",
            "sql.set_not_null",
        ),
        (
            "ALTER TABLE t ADD COLUMN c int NOT NULL;",
            "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
            "sql.not_null_without_default",
        ),
        (
            "CREATE INDEX i ON t (c);",
            "CREATE INDEX CONCURRENTLY i ON t (c);",
            "sql.index_without_concurrently",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0);",
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;",
            "sql.constraint_without_not_valid",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT u UNIQUE (x);",
            "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_x_idx;",
            "sql.constraint_without_not_valid",
        ),
        ("ALTER TABLE t RENAME TO u;", "ALTER TABLE t SET (fillfactor = 90);", "sql.rename"),
        (
            "ALTER TABLE t RENAME COLUMN a TO b;",
            "COMMENT ON COLUMN t.a IS 'b';",
            "sql.rename",
        ),
        ("DROP TABLE t;", "DROP VIEW t_view;", "sql.drop_table"),
    ],
)
def test_each_detection_and_its_safe_counterpart(risky, safe, kind):
    assert kinds(diff("db/migrate/001.sql", risky)) == [kind]
    assert diff("db/migrate/001.sql", safe) == ()


def test_tables_created_in_the_same_migration_are_not_locked_or_rewritten():
    sql = (
        "CREATE TABLE fresh (id int);\n"
        "ALTER TABLE fresh ADD COLUMN x int NOT NULL;\n"
        "CREATE INDEX ON fresh (x);\n"
        "ALTER TABLE fresh ALTER COLUMN x TYPE bigint;\n"
    )
    assert diff("001.sql", sql) == ()


def test_unparseable_statement_is_a_finding_and_the_rest_is_still_analysed():
    hazards = diff("001.sql", "SELECT 1;\nSELEC oops;\nDELETE FROM t;\n")
    assert [(h.line, h.kind) for h in hazards] == [
        (3, "sql.delete_without_where"),
        (2, "sql.unparseable"),
    ]
    assert 'syntax error at or near "SELEC"' in hazards[1].detail


def test_other_dialect_is_named_in_the_finding():
    (hazard,) = scan(SQL / "0044_mysql.sql")
    assert hazard.kind == "sql.unparseable"
    assert "looks like MySQL" in hazard.detail


def test_unterminated_string_is_unanalysable():
    (hazard,) = diff("001.sql", "SELECT 'never closed")
    assert hazard.kind == "artifact.unanalysable"


def test_unsupported_dialect_setting_makes_sql_unanalysable():
    context = Context(config=replace(Config(), hazards=HazardSettings(sql_dialect="oracle")))
    (hazard,) = diff("001.sql", "SELECT 1;", context=context)
    assert hazard.kind == "artifact.unanalysable"
    assert "'oracle' is not analysed" in hazard.detail


def test_statements_already_in_the_previous_version_are_not_reported_again():
    old = "DROP TABLE old_stuff;\n"
    new = "-- reviewed\nDROP TABLE old_stuff;\nALTER TABLE t DROP COLUMN c;\n"
    hazards = diff("001.sql", new, old)
    assert [(h.kind, h.severity) for h in hazards] == [("sql.drop_column", Severity.CRITICAL)]


def test_deleted_migration_is_not_a_hazard():
    assert diff("001.sql", None, "DROP TABLE t;") == ()
