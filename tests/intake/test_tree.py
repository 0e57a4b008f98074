import itertools

from countersign.intake.git import read_change
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


def _history_of_every_kind_of_entry(repo) -> list[str]:
    """Commits whose differences hold each kind of ``--raw`` entry a tree listing must follow:
    added, modified, deleted, renamed (also across directories), mode and type changes, a file
    becoming a directory, submodules added, moved and removed, and a path that is not UTF-8."""
    shas = [
        repo.commit(
            "base",
            **{"a/x.go": "package a\n", "b/y.py": "y = 1\n", "keep.txt": "k\n", "tool.sh": "t\n"},
        )
    ]
    shas.append(repo.commit("edit, add", **{"a/x.go": "package a\n\nvar V = 1\n", "c/n.go": "n"}))
    (repo.path / "tool.sh").chmod(0o755)
    shas.append(repo.commit("mode"))
    (repo.path / "d").mkdir()
    repo.git("mv", "a/x.go", "d/x.go")
    (repo.path / "keep.txt").unlink()
    shas.append(repo.commit("rename, delete"))
    (repo.path / "b/y.py").unlink()
    (repo.path / "b/y.py").symlink_to("../tool.sh")
    (repo.path / "c/n.go").unlink()
    shas.append(repo.commit("type change, file to directory", **{"c/n.go/inner.go": "inner"}))
    for i, target in enumerate((shas[0], shas[1])):
        repo.git("update-index", "--add", "--cacheinfo", f"160000,{target},deps/lib")
        repo.git("commit", "-q", "-m", f"submodule {i}")
        shas.append(repo.git("rev-parse", "HEAD"))
    repo.git("rm", "-q", "--cached", "deps/lib")
    shas.append(repo.commit("submodule to a file", **{"deps/lib": "now a file\n"}))
    (repo.path / "caf\xe9.txt".encode("latin-1").decode("utf-8", "surrogateescape")).write_text(
        "not utf-8 name\n"
    )
    shas.append(repo.commit("a path that is not UTF-8"))
    shas.append(repo.commit("and an edit after it", **{"d/x.go": "package a\n\nvar V = 2\n"}))
    return shas


def test_a_tree_advanced_by_each_difference_lists_what_git_lists(repo):
    shas = _history_of_every_kind_of_entry(repo)
    tree = GitTree(repo.path, shas[0])
    for before, after in itertools.pairwise(shas):
        raw = read_change(repo.path, base=before, head=after, base_is_ancestor=True).raw
        tree = tree.advanced(after, raw)
        fresh = GitTree(repo.path, after)
        assert (tree.blobs(), tree.paths(), tree.gitlinks()) == (
            fresh.blobs(),
            fresh.paths(),
            fresh.gitlinks(),
        ), after
        assert tree.read(tree.paths()) == fresh.read(fresh.paths())


def test_a_difference_that_is_not_the_trees_own_lists_the_tree_afresh(repo):
    first = repo.commit("one", **{"a.txt": "a\n"})
    repo.commit("two", **{"b.txt": "b\n"})
    third = repo.commit("three", **{"b.txt": "bb\n", "c.txt": "c\n"})
    raw = read_change(repo.path, base=first, head=third, base_is_ancestor=True).raw
    # b.txt is "added" in first..third, but the tree advanced already holds it
    advanced = GitTree(repo.path, third).advanced(third, raw)
    assert advanced.blobs() == GitTree(repo.path, third).blobs()
