import pytest

from countersign.errors import UsageError
from countersign.hooks.install import install_hook, is_ours, uninstall_hook


def test_install_writes_an_executable_hook_and_uninstall_removes_it(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    assert "installed" in install_hook(repo.path)
    hook = repo.path / ".git" / "hooks" / "commit-msg"
    assert is_ours(hook)
    assert hook.stat().st_mode & 0o111
    assert "hooks commit-msg" in hook.read_text()
    uninstall_hook(repo.path)
    assert not hook.exists()


def test_install_respects_core_hooks_path(repo):
    repo.git("config", "core.hooksPath", ".githooks")
    install_hook(repo.path)
    assert is_ours(repo.path / ".githooks" / "commit-msg")


def test_foreign_hook_is_refused_or_chained_and_restored(repo):
    hook = repo.path / ".git" / "hooks" / "commit-msg"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho theirs\n")
    with pytest.raises(UsageError, match="pass --chain"):
        install_hook(repo.path)
    assert hook.read_text() == "#!/bin/sh\necho theirs\n"
    assert "runs commit-msg.countersign-chained first" in install_hook(repo.path, chain=True)
    assert "commit-msg.countersign-chained" in hook.read_text()
    assert "restored" in uninstall_hook(repo.path)
    assert hook.read_text() == "#!/bin/sh\necho theirs\n"
    with pytest.raises(UsageError, match="not written by countersign"):
        uninstall_hook(repo.path)


def test_the_hook_runs_the_install_that_wrote_it_before_a_countersign_on_path(repo, tmp_path):
    """A stale version-manager shim named countersign first on PATH must not break commits."""
    import os
    import subprocess

    from countersign.hooks.install import install_hook

    shims = tmp_path / "shims"
    shims.mkdir()
    shim = shims / "countersign"
    shim.write_text("#!/bin/sh\necho 'pyenv: countersign: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    repo.commit("init", **{"a.txt": "a\n"})
    install_hook(repo.path)
    path = f"{shims}{os.pathsep}{os.environ['PATH']}"
    repo.write("a.txt", "b\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "works", env={"PATH": path})
    assert repo.git("log", "-1", "--format=%s") == "works"
    assert subprocess.run([str(shim)], check=False).returncode == 127
