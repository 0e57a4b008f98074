from __future__ import annotations

import os

import pytest

from countersign.errors import InputError
from countersign.intake.change import FileStatus
from countersign.intake.git import read_change


def test_change_from_feature_branch_lists_files_and_commits(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("edit", **{"a.txt": "one\ntwo\n", "b.txt": "new\n"})
    change = read_change(repo.path)
    assert {f.path: f.status for f in change.files} == {
        "a.txt": FileStatus.MODIFIED,
        "b.txt": FileStatus.ADDED,
    }
    assert [c.subject for c in change.commits] == ["edit"]
    assert change.branch == "feature"
    assert change.fingerprint.startswith("cs2:")


def test_added_and_removed_lines_carry_their_line_numbers(repo):
    repo.commit("init", **{"a.txt": "1\n2\n3\n4\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("edit", **{"a.txt": "1\nTWO\n3\n4\nfive\n"})
    (f,) = read_change(repo.path).files
    assert [(x.number, x.text) for x in f.added] == [(2, "TWO"), (5, "five")]
    assert [(x.number, x.text) for x in f.removed] == [(2, "2")]


def test_empty_range_is_an_error_that_says_what_to_do(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    with pytest.raises(InputError, match=r"nothing to check.*--worktree"):
        read_change(repo.path)


def test_unknown_revision_names_the_revision(repo):
    repo.commit("init", **{"a.txt": "one\n"})
    with pytest.raises(InputError, match="unknown revision 'no-such-branch'"):
        read_change(repo.path, base="no-such-branch")


def test_rename_is_detected_with_its_old_path(repo):
    body = "".join(f"line {i}\n" for i in range(40))
    repo.commit("init", **{"old/name.py": body})
    repo.git("checkout", "-q", "-b", "f")
    (repo.path / "new").mkdir()
    repo.git("mv", "old/name.py", "new/name.py")
    repo.commit("move")
    (f,) = read_change(repo.path).files
    assert (f.status, f.old_path, f.path) == (FileStatus.RENAMED, "old/name.py", "new/name.py")
    assert f.lines_added == 0


def test_binary_files_are_marked_and_not_split_into_lines(repo):
    repo.commit("init", **{"a.txt": "x\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.write("logo.png", bytes(range(256)) * 4)
    repo.commit("add logo")
    (f,) = read_change(repo.path).files
    assert f.binary
    assert f.added == ()


def test_mode_change_alone_is_a_change(repo):
    repo.commit("init", **{"run.sh": "echo hi\n"})
    repo.git("checkout", "-q", "-b", "f")
    (repo.path / "run.sh").chmod(0o755)
    repo.commit("make executable")
    (f,) = read_change(repo.path).files
    assert (f.old_mode, f.new_mode) == ("100644", "100755")


def test_non_utf8_content_and_paths_do_not_break_intake(repo):
    repo.commit("init", **{"a.txt": "x\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.write("caf\u00e9 menu.txt", "plat du jour\n")
    repo.write("latin1.txt", "na\u00efve\n".encode("latin-1"))
    repo.commit("non-ascii")
    change = read_change(repo.path)
    paths = {f.path for f in change.files}
    assert paths == {"caf\u00e9 menu.txt", "latin1.txt"}
    latin = next(f for f in change.files if f.path == "latin1.txt")
    assert latin.added[0].text == "na\ufffdve"
    assert all(f.path_bytes is None for f in change.files)  # UTF-8 names need no bytes


def test_a_name_that_is_not_utf8_keeps_its_bytes_beside_the_readable_path(repo):
    repo.commit("init", **{"a.txt": "x\n"})
    repo.git("checkout", "-q", "-b", "f")
    (repo.path / os.fsdecode(b"caf\xe9.txt")).write_text("x\n")
    repo.commit("latin-1 name")
    (file,) = read_change(repo.path).files
    assert file.path == "caf\ufffd.txt"
    assert file.path_bytes == b"caf\xe9.txt"


def test_merge_commits_are_part_of_the_range(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("feature work", **{"b.txt": "b\n"})
    repo.git("checkout", "-q", "-b", "side", "main")
    repo.commit("side work", **{"c.txt": "c\n"})
    repo.git("checkout", "-q", "f")
    repo.git("merge", "-q", "--no-edit", "side")
    change = read_change(repo.path)
    assert {f.path for f in change.files} == {"b.txt", "c.txt"}
    assert sum(len(c.parents) == 2 for c in change.commits) == 1
    assert change.author_email == "author@example.com"


def test_submodule_pointer_change_is_marked(repo, make_repo):
    lib = make_repo("lib")
    lib.commit("lib init", **{"x.txt": "1\n"})
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "-q", "add", str(lib.path), "lib")
    repo.commit("add submodule")
    repo.git("checkout", "-q", "-b", "f")
    lib.commit("lib change", **{"x.txt": "2\n"})
    repo.git("-C", "lib", "-c", "protocol.file.allow=always", "pull", "-q", "origin", "main")
    repo.commit("bump lib")
    (f,) = read_change(repo.path).files
    assert f.path == "lib"
    assert f.submodule


def test_worktree_includes_staged_unstaged_and_untracked_work(repo):
    repo.commit("init", **{"a.txt": "a\n", ".gitignore": "*.log\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.write("a.txt", "a\nunstaged\n")
    repo.write("new.txt", "untracked\n")
    repo.write("debug.log", "ignored\n")
    change = read_change(repo.path, base="main", worktree=True)
    assert {f.path for f in change.files} == {"a.txt", "new.txt"}
    assert change.includes_worktree
    assert repo.git("diff", "--cached", "--name-only") == ""  # the user's index is untouched


def test_fingerprint_survives_a_rebase_that_applies_the_same_patch(repo):
    repo.commit("init", **{"a.txt": "1\n2\n3\n", "b.txt": "b\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("edit a", **{"a.txt": "1\n2\n3\n4\n"})
    before = read_change(repo.path).fingerprint
    repo.git("checkout", "-q", "main")
    repo.commit("unrelated", **{"b.txt": "b2\n"})
    repo.git("checkout", "-q", "f")
    repo.git("rebase", "-q", "main")
    after = read_change(repo.path)
    assert after.fingerprint == before
    repo.commit("tweak", **{"a.txt": "1\n2\n3\n4!\n"})
    assert read_change(repo.path).fingerprint != before


def test_artifacts_in_the_diff_are_read_whole(repo):
    repo.commit("init", **{"db/001.sql": "CREATE TABLE t (id int);\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("migrate", **{"db/002.sql": "DROP TABLE t;\n", "README.md": "x\n"})
    change = read_change(repo.path)
    assert [(a.path, a.text, a.origin) for a in change.artifacts] == [
        ("db/002.sql", "DROP TABLE t;\n", "diff")
    ]


def test_commits_carry_their_paths_added_lines_and_commit_time(repo):
    from countersign.intake.git import read_commits

    base = repo.commit("init", **{"a.txt": "one\n"})
    repo.commit("two files", **{"a.txt": "one\ntwo\n", "dir/b c.txt": "x\ny\n"})
    [commit] = read_commits(repo.path, base, "HEAD")
    assert set(commit.paths) == {"a.txt", "dir/b c.txt"}
    assert commit.lines_added == 3
    assert commit.committed_at > 0


def test_notes_ref_falls_back_to_a_fetched_copy_and_hints_when_absent(repo):
    from countersign.intake.git import notes_ref, read_commits

    base = repo.commit("init", **{"a.txt": "one\n"})
    ref, hint = notes_ref(repo.path)
    assert ref is None
    assert "git fetch origin refs/notes/ai:refs/notes/ai" in hint
    head = repo.commit("edit", **{"a.txt": "two\n"})
    repo.git("notes", "--ref=fetched", "add", "-m", "note text", head)
    repo.git("update-ref", "refs/remotes/origin/notes/ai", "refs/notes/fetched")
    repo.git("update-ref", "-d", "refs/notes/fetched")
    ref, hint = notes_ref(repo.path)
    assert ref == "refs/remotes/origin/notes/ai"
    assert "read from refs/remotes/origin/notes/ai" in hint
    [commit] = read_commits(repo.path, base, head, ref)
    assert commit.notes == {"ai": "note text"}
    repo.git("notes", "--ref=ai", "add", "-m", "local", head)
    assert notes_ref(repo.path) == ("refs/notes/ai", None)


def test_commits_without_a_notes_ref_have_no_note(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("work", **{"a.txt": "b\n"})
    (commit,) = read_change(repo.path, notes=None).commits
    assert commit.notes == {}


def test_a_kept_open_cat_file_reads_what_one_batch_reads(repo):
    from countersign.intake.git import BlobReader, read_blobs

    repo.commit("init", **{"a.txt": "alpha\n", "empty.txt": "", "b.bin": "x\0y"})
    blobs = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    missing = "0123456789abcdef0123456789abcdef01234567"
    once = read_blobs(repo.path, [*blobs, missing])
    with BlobReader(repo.path):
        kept = read_blobs(repo.path, [*blobs, missing])
        again = read_blobs(repo.path, blobs[:1])
    assert kept == once
    assert sorted(once.values()) == [b"", b"alpha\n", b"x\0y"]
    assert again == {blobs[0]: once[blobs[0]]}


def _drop_loose(repo, blob: str) -> None:
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()


def test_a_kept_open_cat_file_does_not_ask_git_again_for_a_blob_it_read_lately(repo):
    from countersign.intake.git import BlobReader, read_blobs

    repo.commit("init", **{"a.txt": "alpha\n", "b.txt": "beta\n", "c.txt": "gamma\n"})
    a, b, c = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    with BlobReader(repo.path):
        read_blobs(repo.path, [a, b])
        for blob in (a, b, c):
            _drop_loose(repo, blob)  # git can no longer give them
        # in the order asked, as git would give them; a blob git never gave is still missing
        kept = read_blobs(repo.path, [b, c, a])
    assert list(kept.items()) == [(b, b"beta\n"), (a, b"alpha\n")]
    assert read_blobs(repo.path, [a]) == {}


def test_the_placers_stream_and_the_reads_share_the_blobs_kept(repo):
    # the placer's thread streams old blobs while the change's reader reads both sides: a
    # blob one of them read is not asked of git again by the other
    from countersign.intake.git import BlobReader, read_blobs, stream_blobs

    repo.commit("init", **{"a.txt": "alpha\n", "b.txt": "beta\n", "c.txt": "gamma\n"})
    a, b, c = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    with BlobReader(repo.path) as reader:
        assert list(stream_blobs(repo.path, [[a]], 100, through=reader)) == [(a, b"alpha\n")]
        read_blobs(repo.path, [b])
        for blob in (a, b, c):
            _drop_loose(repo, blob)
        assert read_blobs(repo.path, [a]) == {a: b"alpha\n"}
        streamed = list(stream_blobs(repo.path, [[b, c], [a]], 100, through=reader))
        assert streamed == [(b, b"beta\n"), (c, None), (a, b"alpha\n")]
        # one over the limit is still read past, as git would give it
        assert list(stream_blobs(repo.path, [[a]], 3, through=reader)) == [(a, None)]


def test_a_kept_open_cat_file_keeps_only_the_blobs_it_read_last(repo, monkeypatch):
    from countersign.intake import git

    monkeypatch.setattr(git, "_KEPT_BYTES", 12)  # room for two of these blobs
    repo.commit("init", **{"a.txt": "alpha\n", "b.txt": "beta\n", "c.txt": "gamma\n"})
    a, b, c = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    with git.BlobReader(repo.path):
        git.read_blobs(repo.path, [a])
        git.read_blobs(repo.path, [b])
        git.read_blobs(repo.path, [a])  # read last again: b is now the oldest
        git.read_blobs(repo.path, [c])
        for blob in (a, b, c):
            _drop_loose(repo, blob)
        assert git.read_blobs(repo.path, [a, b, c]) == {a: b"alpha\n", c: b"gamma\n"}


def test_a_kept_open_cat_file_reads_more_than_a_page_of_requests_and_large_answers(repo):
    # the requests go a page at a time; the answers to one page fill the pipe many times over
    from countersign.intake.git import BlobReader, read_blobs

    files = {f"f{i:03}.txt": f"{i}\n" * (20_000 if i % 50 == 0 else 3) for i in range(250)}
    repo.commit("many", **files)
    blobs = repo.git("ls-tree", "-r", "--format=%(objectname)", "HEAD").split()
    asked = [*blobs, "0123456789abcdef0123456789abcdef01234567", *blobs[:3]]
    once = read_blobs(repo.path, asked)
    with BlobReader(repo.path):
        kept = read_blobs(repo.path, asked)
    assert kept == once
    assert len(kept) == 250
