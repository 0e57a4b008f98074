from countersign.intake.tree import DirTree, GitTree


def test_git_tree_reads_the_revision_not_the_working_tree(repo):
    first = repo.commit("one", **{"a/x.py": "old\n", "b.bin": "\0binary", "empty.py": ""})
    repo.commit("two", **{"a/x.py": "new\n", "c.py": "c\n"})
    tree = GitTree(repo.path, first)
    assert tree.paths() == ("a/x.py", "b.bin", "empty.py")
    assert tree.read(["a/x.py", "b.bin", "missing.py"]) == {"a/x.py": "old\n"}


def test_dir_tree_skips_git_and_virtualenvs(repo):
    repo.commit("one", **{"a/x.py": "x\n", ".venv/lib/y.py": "y\n", ".github/CODEOWNERS": "*\n"})
    tree = DirTree(repo.path)
    assert tree.paths() == (".github/CODEOWNERS", "a/x.py")
    assert tree.read(["a/x.py"]) == {"a/x.py": "x\n"}
