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
