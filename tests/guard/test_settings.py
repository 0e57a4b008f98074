"""guard.yaml is read as committed on the protected branch, never from the working tree: the
agent can edit the working tree, so a copy there (untracked, edited, deleted, or committed on
its own branch) cannot rename the protected branches, empty the protected paths, lower the
approver level or switch off the record of allows. The guard says when the copies differ."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from countersign.errors import ConfigError
from countersign.guard.entry import run_guard
from countersign.guard.settings import protected_guard_config
from countersign.guard.state import find_repository

UNGATE = "protected_branches: [nothing]\nprotected_paths: []\n"


def _explain(capsys, monkeypatch, repo, command: str) -> dict:
    monkeypatch.chdir(repo.path)
    assert run_guard(["--explain", command]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def committed(repo):
    repo.commit("start", **{"README.md": "hello\n"})
    return repo


def test_an_untracked_guard_yaml_cannot_unprotect_main(capsys, monkeypatch, committed):
    committed.write(".countersign/guard.yaml", UNGATE)
    body = _explain(capsys, monkeypatch, committed, "git push --force origin main")
    assert body["decision"] == "deny"
    assert body["rule"] == "git.force-push"
    assert "protected main" in body["reason"]


def test_an_untracked_guard_yaml_cannot_empty_the_protected_paths(capsys, monkeypatch, committed):
    committed.write(".countersign/guard.yaml", UNGATE)
    body = _explain(capsys, monkeypatch, committed, "cp x .github/workflows/deploy.yml")
    assert body["decision"] != "allow"


def test_an_uncommitted_edit_of_the_committed_file_is_ignored(capsys, monkeypatch, committed):
    committed.commit("guard", **{".countersign/guard.yaml": "protected_branches: [main]\n"})
    committed.write(".countersign/guard.yaml", UNGATE)
    body = _explain(capsys, monkeypatch, committed, "git push --force origin main")
    assert body["decision"] == "deny"
    assert body["configuration"]["source"] == ".countersign/guard.yaml at main"
    assert body["configuration"]["note"] == (
        ".countersign/guard.yaml in the working tree differs from the copy committed on main; "
        "the guard uses main's until the change is committed there"
    )


def test_a_guard_yaml_committed_on_the_agents_branch_is_ignored(capsys, monkeypatch, committed):
    committed.git("checkout", "-q", "-b", "agent/work")
    committed.commit("ungate", **{".countersign/guard.yaml": UNGATE})
    body = _explain(capsys, monkeypatch, committed, "git push --force origin main")
    assert body["decision"] == "deny"
    assert body["configuration"]["source"] == "defaults (no .countersign/guard.yaml on main)"
    assert "is not committed on main" in body["configuration"]["note"]


def test_the_committed_settings_apply(capsys, monkeypatch, committed):
    committed.commit("guard", **{".countersign/guard.yaml": "protected_branches: [live]\n"})
    body = _explain(capsys, monkeypatch, committed, "git push --force origin live")
    assert body["decision"] == "deny"
    assert body["configuration"]["note"] == ""


def test_the_settings_follow_the_branch_when_it_moves(committed):
    committed.commit("guard", **{".countersign/guard.yaml": "approval:\n  level: senior\n"})
    root, common = find_repository(str(committed.path))
    assert protected_guard_config(root, common).approver_level == "senior"
    committed.commit("guard", **{".countersign/guard.yaml": "approval:\n  level: staff\n"})
    assert protected_guard_config(root, common).approver_level == "staff"


def test_an_invalid_committed_file_names_it(committed):
    committed.commit("guard", **{".countersign/guard.yaml": "on_error: maybe\n"})
    root, common = find_repository(str(committed.path))
    with pytest.raises(ConfigError) as caught:
        protected_guard_config(root, common)
    assert str(caught.value) == (
        ".countersign/guard.yaml at main: on_error: expected ask or deny, got 'maybe'"
    )


def _hook_process(repo, command: str) -> tuple[bytes, list[str]]:
    probe = (
        "import sys\n"
        "from countersign.main import main\n"
        "code = main(['guard', '--agent', 'claude-code'])\n"
        "sys.stderr.write(' '.join(m for m in ('yaml', 'click') if m in sys.modules))\n"
        "sys.exit(code)\n"
    )
    data = json.dumps(
        {
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "cwd": str(repo.path),
            "tool_input": {"command": command},
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        input=data.encode(),
        capture_output=True,
        cwd=repo.path,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout, done.stderr.decode().split()


def _allows_recorded(repo) -> int:
    from countersign.guard.journal import open_ledger

    ledger = open_ledger(repo.path / ".git" / "countersign", repo.path)
    return sum(1 for e in ledger.entries() if e.get("decision") == "allow")


def test_deleting_the_working_copy_does_not_stop_the_record_of_allows(committed):
    committed.commit("guard", **{".countersign/guard.yaml": "log_allows: true\n"})
    (committed.path / ".countersign" / "guard.yaml").unlink()
    _hook_process(committed, "git status")
    _hook_process(committed, "git status")  # the second call may take the fast path
    assert _allows_recorded(committed) == 2


def test_the_fast_path_stays_once_the_committed_settings_are_cached(committed):
    committed.commit("guard", **{".countersign/guard.yaml": "version: 1\n"})
    _hook_process(committed, "git status")  # the full path reads main's file and caches it
    out, loaded = _hook_process(committed, "git status")
    assert out == b""
    assert loaded == []
