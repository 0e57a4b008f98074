"""An invalid committed guard.yaml never lets the fast path allow what the full path asks, and
what the fast path reads plainly is what the YAML parser reads."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from countersign.errors import ConfigError
from countersign.guard import plain_config
from countersign.guard.settings import parse_guard_config

INVALID = [
    "log_allows: sometimes\n",
    "on_error: maybe\n",
    "protected_branchs: [main]\n",  # a typo of a key
    "production:\n  kube_context: [prod]\n",
    "version: 1\nversion: 2\n",
    "version: 1\n  nested: oops\n",
    "protected_paths:\n  - [a, b]\n",
    "approval:\n  level: wizard\n",
    "log_allows: [false]\n",
    "- just\n- a list\n",
    "on_error: ask\nproduction: [prod]\n",
]
VALID = [
    "version: 1\n",
    "version: 1\nlog_allows: false\non_error: deny   # block when unsure\n",
    "# guard settings\nprotected_branches: [main, release]\n",
    "extra_protected_paths:\n  - deploy/**\n  - .env\n",
    "production:\n  kube_contexts: [prod-*, live]\n  paths: [infra/prod/**]\n",
    "scratch_paths: []\n",
    "version: 1\nlog_allows: no   # turn on to audit every command\n",
    "log_allows: False\n",
]


@pytest.mark.parametrize("text", INVALID)
def test_an_invalid_guard_yaml_is_never_plainly_valid(text):
    with pytest.raises(ConfigError):  # the full path refuses it, and asks
        parse_guard_config(text)
    assert not plain_config.valid(text.encode())


@pytest.mark.parametrize("text", VALID)
def test_plain_valid_configurations_read_as_the_yaml_parser_reads_them(text):
    parse_guard_config(text)
    assert plain_config.valid(text.encode())
    assert plain_config.read(text.encode()) == yaml.safe_load(text)


def test_the_keys_are_those_of_the_full_parser():
    typical = {"version": "1", "production": "{}", "on_error": "ask", "approval": "{}"}
    for key in plain_config.KEYS:
        parse_guard_config(f"{key}: {typical.get(key, 'false' if key == 'log_allows' else '[]')}")
    with pytest.raises(ConfigError, match="unknown field"):
        parse_guard_config("nonsense: 1\n")


_WORD = st.text(alphabet="abcXYZ019._-/*:#+ ", min_size=1, max_size=8)
_KEY = st.sampled_from([*sorted(plain_config.KEYS), "other", "on", "yes", "1x"])
_LINE = st.one_of(
    st.builds(lambda k, w: f"{k}: {w}", _KEY, _WORD),
    st.builds(lambda k, ws: f"{k}: [{', '.join(ws)}]", _KEY, st.lists(_WORD, max_size=3)),
    st.builds(lambda k: f"{k}:", _KEY),
    st.builds(lambda w: f"  - {w}", _WORD),
    st.builds(lambda k, w: f"  {k}: {w}", st.sampled_from(sorted(plain_config.PRODUCTION)), _WORD),
    st.just("# a comment"),
    st.just(""),
)


@given(st.lists(_LINE, max_size=6))
def test_whatever_is_read_plainly_is_what_yaml_reads(lines):
    text = "\n".join(lines) + "\n"
    plain = plain_config.read(text.encode())
    if plain is None:
        return
    assert plain == (yaml.safe_load(text) or {})
    if plain_config.valid(text.encode()):
        parse_guard_config(text)  # valid plainly: valid for the full parser too


def test_the_fast_path_asks_when_the_committed_guard_yaml_is_invalid(repo, guard, payload):
    repo.commit("guard", **{".countersign/guard.yaml": "protected_branchs: [main]\n"})

    got = guard("claude-code", payload("claude-code-bash", repo.path, "ls -la"), repo.path)

    assert got.json["hookSpecificOutput"]["permissionDecision"] == "ask"
    assert (
        "cannot use its configuration" in got.json["hookSpecificOutput"]["permissionDecisionReason"]
    )


@pytest.mark.parametrize("text", VALID)
def test_a_plain_file_gives_the_record_the_yaml_parser_gives(text):
    from countersign.guard.settings import parse_guard_yaml

    assert parse_guard_config(text) == parse_guard_yaml(text)


@given(st.lists(_LINE, max_size=6))
def test_plain_and_yaml_readings_give_the_same_record(lines):
    from countersign.guard.settings import parse_guard_yaml

    text = "\n".join(lines) + "\n"
    if plain_config.plainly_valid(text.encode()) is None:
        return
    assert parse_guard_config(text) == parse_guard_yaml(text)
