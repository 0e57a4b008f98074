"""--explain and --batch: the decision, rule and reason as JSON, for one command or many."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from countersign.guard.entry import run_guard


def test_explain_prints_decision_rule_reason(capsys, repo, monkeypatch):
    monkeypatch.chdir(repo.path)
    assert run_guard(["--explain", "echo cm0gLXJmIC8K | base64 -d | sh"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["decision"] == "deny"
    assert body["rule"] == "fs.recursive-delete"
    assert "sh <stdin>" in body["reason"]
    assert {f["rule"] for f in body["findings"]} >= {"fs.recursive-delete", "exec.decoded-payload"}


def test_batch_writes_one_line_per_input(capsys, tmp_path, repo):
    lines = [
        {"command": "ls", "cwd": str(repo.path)},
        {"command": "git push --force origin main", "cwd": str(repo.path)},
        {"command": "terraform destroy"},
        "not an object",
    ]
    source = tmp_path / "commands.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken\n")
    assert run_guard(["--batch", str(source)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["decision"] for o in out] == ["allow", "deny", "ask", "ask", "ask"]
    assert out[1]["rule"] == "git.force-push"
    assert all(set(o) == {"decision", "rule", "reason"} for o in out)


def test_usage_errors_exit_3(capsys):
    assert run_guard(["--agent", "vim"]) == 3
    assert "--agent must be one of" in capsys.readouterr().err


def _hook_process(
    repo, command: str, heavy: tuple[str, ...] = ("click", "yaml", "tree_sitter", "pathlib")
) -> tuple[bytes, list[str]]:
    """Run the hook as a real process; its answer, and which heavy modules it loaded."""
    probe = (
        "import sys, io\n"
        "from countersign.main import main\n"
        "code = main(['guard', '--agent', 'claude-code'])\n"
        f"heavy = {heavy!r}\n"
        "sys.stderr.write(' '.join(m for m in heavy if m in sys.modules))\n"
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
        env={**os.environ, "COUNTERSIGN_OPERATOR": "dev@example.com"},
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout, done.stderr.decode().split()


def test_real_process_answers_and_keeps_click_and_yaml_out(repo):
    out, loaded = _hook_process(repo, "git status")
    assert out == b""
    assert loaded == []


def test_an_ask_records_without_starting_git(repo):
    """The protected branch's pinned keys and checkpoints are read in-process: no git process
    (``subprocess`` is not even imported) on an ask or deny, which were the slowest calls an agent waits for."""
    from countersign.signoff.keys import load_or_create

    key = load_or_create(repo.path / ".git" / "countersign")
    repo.commit("pins", **{".countersign/ledger-keys": f"{key.public_text} ci\n"})
    repo.git("checkout", "-q", "-b", "topic")
    out, loaded = _hook_process(repo, "terraform destroy", heavy=("subprocess",))
    assert b'"ask"' in out
    assert loaded == []
    assert (repo.path / ".countersign" / "ledger.db").is_file()


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\n",
        "log_allows: false\n",
        "version: 1\nlog_allows: no   # turn on to audit every command\n",
    ],
)
def test_committed_guard_yaml_that_leaves_log_allows_off_keeps_the_fast_path(repo, text):
    repo.commit("guard", **{".countersign/guard.yaml": text})
    _hook_process(repo, "git status")  # the full path reads main's copy and caches it
    out, loaded = _hook_process(repo, "git status")
    assert out == b""
    assert loaded == []


def test_log_allows_true_takes_the_full_path_and_records_the_allow(repo):
    repo.commit("guard", **{".countersign/guard.yaml": "log_allows: true\n"})
    for _ in range(2):  # with the settings cached, too
        out, loaded = _hook_process(repo, "git status")
        assert out == b""
        assert "yaml" in loaded or "pathlib" in loaded
    assert (repo.path / ".countersign" / "ledger.db").is_file()


def test_a_working_tree_copy_alone_changes_nothing_on_the_fast_path(repo):
    repo.write(".countersign/guard.yaml", "log_allows: true\n")
    out, loaded = _hook_process(repo, "git status")
    assert out == b""
    assert loaded == []
    assert not (repo.path / ".countersign" / "ledger.db").exists()


def test_explain_with_invalid_configuration_is_a_one_line_error(capsys, repo, monkeypatch):
    repo.commit("guard", **{".countersign/guard.yaml": "log_allows: sometimes\n"})
    monkeypatch.chdir(repo.path)
    assert run_guard(["--explain", "ls"]) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "countersign guard: error: .countersign/guard.yaml at main: log_allows: "
        "expected true or false, got 'sometimes'\n"
    )


def test_batch_reports_a_configuration_error_per_line(capsys, tmp_path, repo):
    repo.commit("guard", **{".countersign/guard.yaml": "on_error: maybe\n"})
    source = tmp_path / "commands.jsonl"
    source.write_text(json.dumps({"command": "ls", "cwd": str(repo.path)}) + "\n")
    assert run_guard(["--batch", str(source)]) == 0
    (line,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["decision"] == "ask"
    assert line["rule"] == "guard.config-error"
    assert "guard.yaml at main: on_error" in line["reason"]
