"""Property: every analyzer, given any text as its kind of file (old and new side), returns
findings and never raises: what it cannot read is an ``artifact.unanalysable`` finding. The
text mixes each format's own tokens with control characters, invalid surrogates' stand-ins,
deep nesting and junk, so the examples reach the parsers' corners, not only their first
line."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countersign.facts.context import Context
from countersign.facts.hazards import Hazard, find_hazards
from countersign.intake.change import Artifact, Change, FileChange, FileStatus

CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\ufffd", "\u2028"])
JUNK = st.text(max_size=12)


def _tokens(*tokens: str) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(tokens), CONTROL, JUNK)
    return st.lists(piece, max_size=60).map("".join)


def _nested(open_: str, close: str) -> st.SearchStrategy[str]:
    return st.integers(0, 3000).map(lambda n: open_ * n + "x" + close * n)


FORMATS = {
    "db/migrate/0001.sql": _tokens(
        "DROP TABLE t;",
        "ALTER TABLE t ",
        "ADD COLUMN c int ",
        "NOT NULL",
        " DEFAULT 0",
        ";",
        "'",
        "''",
        '"',
        "$$",
        "$a$",
        "--",
        "\n",
        "/*",
        "*/",
        "E'\\'",
        "BEGIN;",
        "COMMIT;",
        "CREATE INDEX CONCURRENTLY i ON t (c);",
        "VALIDATE CONSTRAINT c;",
        "(",
        ")",
        "INSERT ",
    ),
    "db/mysql/0001.sql": _tokens(
        "ALTER TABLE `t` MODIFY c BIGINT;",
        "'\\'",
        "#",
        "-- ",
        "`",
        ";",
        "DELETE FROM t;",
        "\n",
    ),
    "main.tf": _tokens(
        'resource "aws_s3_bucket" "b" {',
        "}",
        "{",
        "[",
        "]",
        " = ",
        '"',
        "${",
        "<<EOF\n",
        "\nEOF\n",
        "force_destroy = true\n",
        "lifecycle { prevent_destroy = true }",
        "#",
        "\n",
    ),
    "deploy/app.yaml": _tokens(
        "apiVersion: v1\n",
        "kind: Namespace\n",
        "metadata:\n",
        "  name: x\n",
        "---\n",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "!!python/object ",
        ": ",
        "\n  ",
        "{{ .Values.x }}",
    ),
    ".github/workflows/ci.yml": _tokens(
        "on: pull_request_target\n",
        "jobs:\n",
        "  a:\n",
        "    steps:\n",
        "      - run: rm -rf /\n",
        "permissions: write-all\n",
        "${{ github.event.pull_request.title }}",
        "[",
        "{",
        ": ",
    ),
    "plan.json": _tokens(
        '{"format_version": "1.2", "resource_changes": [',
        '{"address": "a", "change": ',
        '{"actions": ["delete"]}}',
        "]}",
        ",",
        '"',
        "[",
        "{",
        "}",
        "]",
        "null",
        "1e999",
    ),
    "changeset.json": _tokens(
        '{"Changes": [',
        '{"ResourceChange": {"Action": "Remove"}}',
        "]}",
        '"',
        ",",
        "{",
        "}",
    ),
    "iam/policy.json": _tokens(
        '{"Statement": [',
        '{"Effect": "Allow", "Action": "*", "Resource": "*"}',
        "]}",
        ",",
        '"Principal": "*"',
        '"Condition": {}',
        "{",
        "}",
        "[",
        "]",
        '"',
        '"bindings": [',
    ),
    "deploy.sh": _tokens("rm -rf /", "$(", ")", "`", "'", '"', "\n", "| sh", "eval ", "\\"),
}

NESTED = {
    "main.tf": _nested("[", "]").map(lambda s: f"locals {{\n  x = {s}\n}}\n"),
    "deploy/app.yaml": _nested("[", "]").map(lambda s: f"apiVersion: v1\nkind: A\nx: {s}\n"),
    "plan.json": _nested("[", "]").map(lambda s: '{"format_version": "1.2", "x": ' + s + "}"),
    ".github/workflows/ci.yml": _nested("{a: ", "}").map(lambda s: f"on: push\njobs: {s}\n"),
    "db/migrate/0001.sql": _nested("(", ")").map(lambda s: f"SELECT {s};"),
}


def _hazards(path: str, new: str, old: str) -> tuple[Hazard, ...]:
    files = (FileChange(path, FileStatus.MODIFIED, old_text=old, new_text=new),)
    artifacts = (Artifact(path, new, origin="diff", previous_text=old),)
    explicit = (Artifact(path, new, origin="explicit"),)
    change = Change("a", "b", "", files=files, artifacts=artifacts + explicit)
    return find_hazards(change, Context())


def _check(hazards: tuple[Hazard, ...]) -> None:
    for hazard in hazards:
        assert hazard.kind
        assert hazard.detail
        assert hazard.line is None or hazard.line >= 1


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("path", sorted(FORMATS))
@FUZZ
@given(data=st.data())
def test_no_analyzer_raises_on_any_text_of_its_kind(path, data):
    new = data.draw(FORMATS[path])
    old = data.draw(FORMATS[path])
    _check(_hazards(path, new, old))


@pytest.mark.parametrize("path", sorted(NESTED))
@FUZZ
@given(data=st.data())
def test_no_analyzer_raises_on_deep_nesting(path, data):
    _check(_hazards(path, data.draw(NESTED[path]), ""))


@pytest.mark.parametrize("path", sorted(FORMATS))
@FUZZ
@given(raw=st.binary(max_size=200))
def test_no_analyzer_raises_on_bytes_decoded_as_intake_does(path, raw):
    text = raw.decode("utf-8", "replace")
    _check(_hazards(path, text, ""))
