"""The pre-commit framework hooks (``.pre-commit-hooks.yaml``), run by the real ``pre-commit``
package from a real repository's ``git commit`` and ``git push``. The hooks are declared
``repo: local`` with the definitions of ``.pre-commit-hooks.yaml`` (``language: system``, so
pre-commit builds no environment and needs no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from countersign.decision.policy import default_policy_text

ROOT = Path(__file__).parents[1]
BIN = Path(sys.executable).parent
PEOPLE = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [web], keys: ["ALICE_KEY"]}
  - {id: bob, emails: [bob@example.com], level: junior, teams: [web]}
agents: [noreply@anthropic.com]
"""

pytestmark = pytest.mark.skipif(
    not (BIN / "pre-commit").exists(), reason="pre-commit is a dev dependency"
)


def hook_definitions() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))


@pytest.fixture
def project(repo, tmp_path, ssh_keys):
    """A repository that adopted the hooks through pre-commit, with a bare remote."""
    hooks = [{**hook, "language": "system"} for hook in hook_definitions()]
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".pre-commit-config.yaml": yaml.safe_dump(config, sort_keys=False),
            ".countersign/people.yaml": PEOPLE.replace("ALICE_KEY", ssh_keys["alice"].public),
            ".countersign/policy.yaml": default_policy_text(),
            "app.py": "x = 1\n",
        },
    )
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    pre_commit(repo, "install", "--hook-type", "commit-msg", "--hook-type", "pre-push")
    for name in ("commit-msg", "pre-push"):  # the framework's hooks, not countersign's own
        assert "pre-commit" in (repo.path / ".git" / "hooks" / name).read_text()
    return repo


def env(repo) -> dict[str, str]:
    """bob, a developer in the roster, at his terminal."""
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(repo.path.parent / "pre-commit-home"),
        **{
            f"GIT_{who}_{what}": value
            for who in ("AUTHOR", "COMMITTER")
            for what, value in (("NAME", "Bob"), ("EMAIL", "bob@example.com"))
        },
    }


def pre_commit(repo, *args: str) -> str:
    proc = subprocess.run(
        [str(BIN / "pre-commit"), *args],
        cwd=repo.path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HOME": str(repo.path.parent), **env(repo)},
    )
    return proc.stdout


def git(repo, *args: str) -> subprocess.CompletedProcess[str]:
    """git as the developer runs it (its hooks run pre-commit), without raising on failure."""
    try:
        out = repo.git(*args, env=env(repo))
    except subprocess.CalledProcessError as exc:
        return subprocess.CompletedProcess(
            exc.cmd, exc.returncode, exc.stdout.decode(), exc.stderr.decode()
        )
    return subprocess.CompletedProcess(["git", *args], 0, out, "")


def test_the_hook_file_declares_commit_msg_and_pre_push_for_the_framework():
    hooks = {h["id"]: h for h in hook_definitions()}
    assert hooks["countersign-commit-msg"]["stages"] == ["commit-msg"]
    assert hooks["countersign-pre-push"]["stages"] == ["pre-push"]
    assert all(h["language"] == "python" for h in hooks.values())  # installable from the repo


def test_commit_msg_through_pre_commit_adds_assisted_by_for_a_file_the_agent_edited(project):
    log = project.path / ".git" / "countersign" / "agent-edits.jsonl"
    log.parent.mkdir(exist_ok=True)
    edit = {
        "at": datetime.now(UTC).isoformat(),
        "agent": "claude-code",
        "session": "s1",
        "tool": "Write",
        "path": "app.py",
        "cwd": str(project.path),
    }
    log.write_text(json.dumps(edit) + "\n")
    project.write("app.py", "x = 2\n")
    project.git("add", "-A")
    done = git(project, "commit", "-q", "-m", "Change x")
    assert done.returncode == 0, done.stderr
    assert "Assisted-by: claude-code" in project.git("log", "-1", "--format=%B")


def test_pre_push_through_pre_commit_stops_an_unsigned_change_to_main_until_signed_off(
    project, capsys, ssh_keys
):
    from countersign.main import main

    project.write("app.py", "x = 3\n")
    project.git("add", "-A")
    message = "agent change\n\nCo-authored-by: Claude <noreply@anthropic.com>"
    assert git(project, "commit", "-q", "-m", message).returncode == 0
    stopped = git(project, "push", "origin", "main")
    assert stopped.returncode != 0
    assert "countersign: push to main stopped" in stopped.stdout + stopped.stderr
    assert "ai-assisted-below-senior/approvals" in stopped.stdout + stopped.stderr
    # another branch is reviewed after its push
    assert git(project, "push", "origin", "main:refs/heads/topic").returncode == 0

    alice = str(ssh_keys["alice"].path)  # alice signs with her own key
    assert main(["approve", "-C", str(project.path), "--base", "HEAD^", "--key", alice]) == 0
    capsys.readouterr()
    pushed = git(project, "push", "origin", "main")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
