"""One rule for the state directory, whoever asks: the override, the git common directory,
then the caller's place outside a repository."""

from __future__ import annotations

from pathlib import Path

from countersign.state_dir import state_dir


def test_override_wins_everywhere(tmp_path: Path) -> None:
    env = {"COUNTERSIGN_STATE_DIR": str(tmp_path / "s"), "HOME": "/home/dev"}
    assert state_dir(tmp_path / ".git", env) == tmp_path / "s"
    assert state_dir(None, env, outside=tmp_path / "o") == tmp_path / "s"


def test_repository_state_lives_in_the_git_common_directory(tmp_path: Path) -> None:
    assert state_dir(tmp_path / ".git", {"HOME": "/home/dev"}) == tmp_path / ".git" / "countersign"


def test_outside_a_repository_the_callers_place_else_home(tmp_path: Path) -> None:
    assert state_dir(None, {"HOME": "/home/dev"}, outside=tmp_path) == tmp_path
    assert state_dir(None, {"HOME": "/home/dev"}) == Path("/home/dev/.countersign")


def test_an_empty_override_is_no_override(tmp_path: Path) -> None:
    env = {"COUNTERSIGN_STATE_DIR": "", "HOME": "/home/dev"}
    assert state_dir(tmp_path / ".git", env) == tmp_path / ".git" / "countersign"
