"""The linear HCL reader against the lark grammar (python-hcl2) it replaced, on the forms real
.tf files use, and on broken and hostile input: only ``Unanalysable``, with the line."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from countersign.facts.hazards import hcl
from countersign.facts.hazards.documents import Unanalysable

FIXTURES = Path(__file__).parents[2] / "fixtures" / "hazards" / "hcl"


def grammar(text: str) -> dict[str, Any]:
    options = hcl2.SerializationOptions(strip_string_quotes=True, explicit_blocks=False)
    return hcl2.loads(text, serialization_options=options)


def test_resource_moved_and_removed_blocks_read_as_the_grammar_reads_them():
    text = (FIXTURES / "many_forms.tf").read_text("utf-8")
    ours, theirs = hcl.loads(text), grammar(text)
    for block in ("resource", "moved", "removed", "module", "output"):
        assert ours[block] == theirs[block], block
    assert ours["locals"][0]["name"] == "shop-${var.env}"
    assert ours["locals"][0]["joined"] == '${join(",", ["a", "b"])}'
    assert ours["locals"][0]["ports"] == [22, 443, -1]
    assert ours["locals"][0]["obj"] == {"key with space": 1, "other": "x"}
    assert ours["locals"][0]["multi"] == ["one", "two"]


def test_values_the_grammar_keeps_as_source_are_read_as_what_they_mean():
    data = hcl.loads(
        'locals {\n  esc = "a\\tb \\"q\\" $${lit}"\n  n = 1e3\n'
        '  doc = <<-EOT\n    {"a": 1}\n      x\n  EOT\n}\n'
    )
    (body,) = data["locals"]
    assert body == {"esc": 'a\tb "q" ${lit}', "n": 1000.0, "doc": '{"a": 1}\n  x\n'}


def test_expressions_are_kept_as_their_text():
    data = hcl.loads(
        'resource "x" "y" {\n  count = var.on ? 1 : 0\n  ids = [for s in var.l : s.id]\n'
        "  tags = merge(local.t, {\n    a = 1\n  })\n  one = { a = 1 }\n}\n"
    )
    body = data["resource"][0]["x"]["y"]
    assert body["count"] == "${var.on ? 1 : 0}"
    assert body["ids"] == "${[for s in var.l : s.id]}"
    assert body["tags"] == "${merge(local.t, {\n    a = 1\n  })}"
    assert body["one"] == {"a": 1}


def test_a_bare_name_reads_as_itself_as_the_grammar_gives_it():
    text = 'variable "v" {\n  type = string\n}\nresource "x" "y" {\n  lifecycle {\n    ignore_changes = [tags, desired]\n  }\n}\n'
    assert hcl.loads(text) == grammar(text)


def test_one_line_blocks_and_blocks_with_several_labels():
    data = hcl.loads('a "b" "c" { d = 1 }\nlifecycle { x = true }\nlifecycle { x = false }\n')
    assert data == {"a": [{"b": {"c": {"d": 1}}}], "lifecycle": [{"x": True}, {"x": False}]}


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ('resource "a" "b" {\n  x = 1\n', "a block is never closed", 3),
        ('locals {\n  x = "open\n}\n', "unterminated string", 2),
        ("locals {\n  x = 1\n}\n/* never closed\n", "a /* comment is never closed", 4),
        ("locals {\n  x = <<EOT\nbody\n}\n", "heredoc <<EOT is never closed", 2),
        ("}\n", "expected an attribute or a block", 1),
        ("locals {\n  x = (1\n}\n", "'}'", 3),
        ("locals {\n  x = 1 @ 2\n}\n", "unexpected character '@'", 2),
    ],
)
def test_what_is_not_hcl_is_unanalysable_with_its_line(text: str, problem: str, line: int):
    with pytest.raises(Unanalysable) as caught:
        hcl.loads(text)
    assert problem in str(caught.value)
    assert caught.value.line == line


def test_many_unclosed_comment_and_string_openers_are_refused_in_one_pass():
    # each opener that scanned to the end of the text again would make these quadratic
    for text in ("/* a " * 200_000, 'x = "a\n' * 200_000, "x = <<EOT\n" * 100_000):
        with pytest.raises(Unanalysable):
            hcl.loads(text)


@given(st.text(alphabet='ab =\n{}[]()"$%#/*<-,:.\\\t1', max_size=300))
def test_any_text_is_read_or_unanalysable_never_another_error(text: str):
    with contextlib.suppress(Unanalysable):
        hcl.loads(text)
