"""A repository's own rule packs and its disabled rules come from the committed tree of its
protected branch: what the agent writes in the working tree, or commits on its own branch,
changes nothing. The fast path learns their words, and forgets them when the branch moves."""

from __future__ import annotations

import json

import pytest

from countersign.errors import ConfigError
from countersign.guard.decision import judge_command
from countersign.guard.entry import _fast_allow
from countersign.guard.hook import shell_context

PACK = """
pack = "acme-tools"
title = "Our own tools"
[programs.acmectl]
with_value = ["--region"]
[[rule]]
id = "acme.nuke"
programs = ["acmectl"]
words = ["nuke"]
severity = "high"
destroys = "wipes the tenant"
explain = "acmectl nuke deletes a tenant with all its data"
dangerous = ["acmectl nuke tenant-1"]
safe = ["acmectl list"]
"""


def _decide(repo, command, env):
    ctx, _ = shell_context(str(repo.path), env, live=False)
    return judge_command(command, ctx)


@pytest.fixture
def env(tmp_path):
    return {"COUNTERSIGN_STATE_DIR": str(tmp_path / "state"), "HOME": str(tmp_path)}


def _payload(repo, command):
    return json.dumps(
        {
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "cwd": str(repo.path),
            "tool_input": {"command": command},
        }
    ).encode()


def test_a_committed_pack_adds_its_rules(repo, env):
    repo.commit("packs", **{".countersign/guard/acme.toml": PACK})
    judgement = _decide(repo, "acmectl --region eu nuke tenant-1", env)
    assert (judgement.decision, judgement.rule) == ("ask", "acme.nuke")
    assert _decide(repo, "acmectl list", env).decision == "allow"


def test_a_pack_only_in_the_working_tree_or_on_a_side_branch_is_ignored(repo, env):
    repo.commit("start", **{"README.md": "x\n"})
    repo.git("checkout", "-q", "-b", "agent/work")
    repo.commit("disable", **{".countersign/guard/packs.toml": 'disable = ["backup-sync"]\n'})
    repo.write(".countersign/guard/more.toml", 'disable = ["http"]\n')
    assert _decide(repo, "rsync -a --delete build/ host:/srv/", env).decision == "ask"


def test_disabled_packs_and_rules_on_the_protected_branch_are_off(repo, env):
    repo.commit(
        "off",
        **{".countersign/guard/packs.toml": 'disable = ["backup.sync-delete", "git.clean"]\n'},
    )
    assert _decide(repo, "rsync -a --delete build/ host:/srv/", env).decision == "allow"
    assert _decide(repo, "git clean -fd", env).decision == "allow"
    assert _decide(repo, "rclone purge remote:old", env).decision == "ask"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'disable = ["guard.self-approval"]\n',
            "disable[0]: 'guard.self-approval' protects the guard itself and stays on",
        ),
        (
            'disable = ["secrets.vualt-destroy"]\n',
            (
                "disable[0]: no pack or rule 'secrets.vualt-destroy'; "
                "`countersign guard packs` lists them"
            ),
        ),
        ('enable = ["x"]\n', "enable: unknown field"),
    ],
)
def test_a_wrong_disable_list_is_an_error_naming_the_file(repo, env, text, message):
    commit = repo.commit("bad", **{".countersign/guard/packs.toml": text})
    with pytest.raises(ConfigError) as exc:
        shell_context(str(repo.path), env, live=False)
    assert str(exc.value) == f"{commit[:12]}:.countersign/guard/packs.toml: {message}"


def test_a_pack_may_not_take_a_shipped_rule_id(repo, env):
    repo.commit("clash", **{".countersign/guard/x.toml": PACK.replace("acme.nuke", "git.clean")})
    with pytest.raises(ConfigError, match=r"rule\[0\]\.id: 'git.clean' is already a rule"):
        shell_context(str(repo.path), env, live=False)


def test_the_fast_path_sends_a_pack_word_on_as_soon_as_the_branch_has_the_pack(repo, env):
    repo.commit("start", **{"README.md": "x\n"})
    assert _fast_allow("claude-code", _payload(repo, "acmectl nuke tenant-1")) == ""
    repo.commit("packs", **{".countersign/guard/acme.toml": PACK})
    assert _fast_allow("claude-code", _payload(repo, "acmectl nuke tenant-1")) is None
    # Every program a pack names goes to the full path, which knows only nuke matters.
    assert _fast_allow("claude-code", _payload(repo, "acmectl list")) is None
    assert _decide(repo, "acmectl list", env).decision == "allow"
    assert _fast_allow("claude-code", _payload(repo, "git status")) == ""


def test_the_fast_path_reads_the_packs_of_the_branches_guard_yaml_names(repo, env):
    repo.commit("start", **{".countersign/guard.yaml": "protected_branches: [live]\n"})
    repo.git("checkout", "-q", "-b", "live")
    repo.commit("packs", **{".countersign/guard/acme.toml": PACK})
    repo.git("checkout", "-q", "main")
    assert _decide(repo, "acmectl nuke tenant-1", env).decision == "ask"
    assert _fast_allow("claude-code", _payload(repo, "acmectl nuke tenant-1")) is None
    assert _fast_allow("claude-code", _payload(repo, "git status")) == ""


@pytest.mark.parametrize(
    "text",
    [
        "protected_branches:\n  - live\n",
        "protected_branches: [live, *x]\n",
        "protected_branches: [yes]\n",
        "production: &p {}\nprotected_branches: [live]\n",
        "protected_branches: [main]\nprotected_branches: [live]\n",
        "# protected_branches: [main]\nprotected_branches: [live]\n",
        "log_allows: 'false'\n",
    ],
)
def test_the_fast_path_leaves_a_guard_yaml_it_cannot_read_plainly_to_the_full_path(repo, text):
    repo.commit("start", **{".countersign/guard.yaml": text})
    assert _fast_allow("claude-code", _payload(repo, "git status")) is None


def test_guard_packs_lists_the_repository_pack(repo, capsys, monkeypatch, tmp_path):
    from countersign.main import main

    monkeypatch.setenv("COUNTERSIGN_STATE_DIR", str(tmp_path / "state"))
    commit = repo.commit("packs", **{".countersign/guard/acme.toml": PACK})
    assert main(["guard", "packs", "-C", str(repo.path)]) == 0
    out = capsys.readouterr().out
    assert f"acme-tools: Our own tools [{commit[:12]}:.countersign/guard/acme.toml]" in out
    assert "acme.nuke" in out
