"""The pre-push hook, installed and run by a real ``git push`` to a bare remote."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture
def pushed(project, tmp_path, cs):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "origin", "main")
    project.git("checkout", "-q", "main")
    assert cs(project, "hooks", "install", "--pre-push") == 0
    return project


def _push(repo, *refspec):
    try:
        repo.git("push", "origin", *refspec)
    except subprocess.CalledProcessError as exc:
        return exc.returncode, exc.stderr.decode()
    return 0, ""


def test_a_push_moving_main_over_an_unsigned_change_is_stopped_until_it_is_signed_off(
    pushed, cs, ai_trailer, bob
):
    pushed.commit("docs: straight to main" + ai_trailer, author=bob, **{"docs/faq.md": "q\n"})
    code, err = _push(pushed, "main")
    assert code != 0
    assert "countersign: push to main stopped" in err
    assert "ai-assisted-below-senior/approvals" in err
    assert _push(pushed, "main:refs/heads/topic") == (0, "")  # review happens after this push

    assert cs(pushed, "approve", "--base", "HEAD^", "--head", "HEAD", "--as", "alice") == 0
    assert _push(pushed, "main") == (0, "")


def test_a_chained_pre_push_hook_still_reads_the_pushed_refs(project, tmp_path, cs):
    hooks = project.path / ".git" / "hooks"
    hooks.mkdir(parents=True, exist_ok=True)
    seen = tmp_path / "seen.txt"
    theirs = hooks / "pre-push"
    theirs.write_text(f"#!/bin/sh\ncat > {seen}\n")
    theirs.chmod(0o755)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project.git("remote", "add", "origin", str(remote))
    assert cs(project, "hooks", "install", "--pre-push", "--chain") == 0
    project.git("push", "-q", "origin", "main:refs/heads/topic")
    assert "refs/heads/topic" in seen.read_text()


def test_uninstall_removes_our_pre_push_hook_and_leaves_anyone_elses(project, cs):
    hooks = project.path / ".git" / "hooks"
    assert cs(project, "hooks", "install", "--pre-push") == 0
    assert cs(project, "hooks", "uninstall") == 0
    assert not (hooks / "pre-push").exists()
    (hooks / "pre-push").write_text("#!/bin/sh\nexit 0\n")
    assert cs(project, "hooks", "install") == 0
    assert cs(project, "hooks", "uninstall") == 0
    assert (hooks / "pre-push").read_text() == "#!/bin/sh\nexit 0\n"
