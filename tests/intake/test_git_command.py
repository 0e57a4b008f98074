from __future__ import annotations

from countersign.intake.git_command import default_branch


def test_the_default_branch_is_origins_head_when_the_clone_knows_it(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    repo.git("branch", "-M", "master")
    repo.git("update-ref", "refs/remotes/origin/develop", "HEAD")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/develop")
    assert default_branch(repo.path) == "origin/develop"


def test_without_origins_head_the_first_of_main_master_trunk_that_exists(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    repo.git("branch", "-M", "trunk")
    assert default_branch(repo.path) == "trunk"
    repo.git("branch", "master")
    assert default_branch(repo.path) == "master"
    repo.git("branch", "main")
    assert default_branch(repo.path) == "main"


def test_a_branch_under_main_is_not_main(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    repo.git("branch", "-M", "main/feature")
    assert default_branch(repo.path) is None


def test_a_bare_mirror_without_those_branches_has_none(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "m.git")], check=True)
    assert default_branch(tmp_path / "m.git") is None
    assert default_branch(tmp_path / "not-a-repository") is None
