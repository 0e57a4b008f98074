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


def test_a_push_of_an_empty_commit_passes_and_one_with_a_change_after_it_does_not(
    pushed, ai_trailer, bob
):
    pushed.commit("chore: retrigger CI" + ai_trailer, author=bob)  # same tree as its parent
    assert _push(pushed, "main") == (0, "")
    pushed.commit("chore: nothing again" + ai_trailer, author=bob)
    pushed.commit("docs: straight to main" + ai_trailer, author=bob, **{"docs/faq.md": "q\n"})
    code, err = _push(pushed, "main")
    assert code != 0
    assert "ai-assisted-below-senior/approvals" in err


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


CHECKS_POLICY = (
    "version: 1\nrules:\n  - id: tested\n    description: every change is tested\n"
    "    when: 'true'\n    require: {checks: [tests]}\n"
)


@pytest.fixture
def checked(repo, tmp_path, cs):
    """main on a remote under a policy whose only requirement is a green `tests` check."""
    repo.commit("init", **{".countersign/policy.yaml": CHECKS_POLICY, "a.txt": "a\n"})
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    assert cs(repo, "hooks", "install", "--pre-push") == 0
    repo.commit("change", **{"a.txt": "b\n"})
    return repo


def test_without_check_results_the_push_leaves_checks_to_the_server_and_says_so(checked):
    proc = subprocess.run(
        ["git", "push", "origin", "main"],
        cwd=checked.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "countersign: checks tests are left to the server's required checks" in proc.stderr
    assert "git config countersign.checksCommand" in proc.stderr


def test_a_configured_checks_command_gives_the_results_and_a_red_check_stops_the_push(checked):
    checked.git("config", "countersign.checksCommand", "echo running; echo tests=failure")
    code, err = _push(checked, "main")
    assert code != 0
    assert "countersign: push to main stopped" in err
    assert "left to the server" not in err
    checked.git(
        "config",
        "countersign.checksCommand",
        'test -n "$COUNTERSIGN_PUSH_NEW" && echo tests=success',
    )
    assert _push(checked, "main") == (0, "")


def test_a_checks_command_that_prints_no_status_stops_the_push_with_what_to_fix(checked):
    checked.git("config", "countersign.checksCommand", "false")
    code, err = _push(checked, "main")
    assert code != 0
    assert "the checks command 'false' exited 1 and printed no NAME=STATUS line" in err


def test_the_stopped_push_never_suggests_skipping_the_hook(pushed, ai_trailer, bob):
    pushed.commit("docs: straight to main" + ai_trailer, author=bob, **{"docs/faq.md": "q\n"})
    code, err = _push(pushed, "main")
    assert code != 0
    assert "--no-verify" not in err
