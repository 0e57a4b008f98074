"""A pack file that is wrong is an error naming the file and the exact key."""

from __future__ import annotations

import pytest

from countersign.errors import ConfigError
from countersign.facts.shell.catalog import parse_text

GOOD = """
pack = "mine"
[[rule]]
id = "mine.drop"
programs = ["mytool"]
words = ["drop"]
severity = "high"
destroys = "drops it"
explain = "mytool drop drops the store"
dangerous = ["mytool drop x"]
safe = ["mytool list"]
"""


def test_a_valid_pack_parses_into_rules():
    pack = parse_text(GOOD, "mine.toml")
    assert pack.id == "mine"
    assert pack.rules[0].forms[0].words == (("drop",),)


ERRORS = [
    (
        ('severity = "high"', 'severity = "hgh"'),
        "rule[0].severity: expected one of info, low, medium, high, critical, got 'hgh'",
    ),
    (('words = ["drop"]', 'wrods = ["drop"]'), "rule[0].wrods: unknown field"),
    (
        ('id = "mine.drop"', 'id = "Drop"'),
        "rule[0].id: expected family.name like 'secrets.vault-destroy', got 'Drop'",
    ),
    (
        ('words = ["drop"]', 'text = "(["'),
        "rule[0].text: not a valid regular expression (unterminated character set at position 1)",
    ),
    (
        ('words = ["drop"]', 'check = "magic"'),
        "rule[0].check: expected one of remote-url, got 'magic'",
    ),
    (('words = ["drop"]', ""), "rule[0].when: a form needs at least one condition"),
    (('programs = ["mytool"]', "programs = []"), "rule[0].programs: name at least one program"),
]


@pytest.mark.parametrize(("edit", "message"), ERRORS)
def test_errors_name_the_file_and_the_key(edit, message):
    with pytest.raises(ConfigError) as exc:
        parse_text(GOOD.replace(*edit), "mine.toml")
    assert str(exc.value) == f"mine.toml: {message}"


def test_invalid_toml_says_so():
    with pytest.raises(ConfigError, match=r"^mine.toml: not valid TOML \("):
        parse_text("pack = ", "mine.toml")
