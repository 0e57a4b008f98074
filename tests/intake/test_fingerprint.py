"""Fingerprint v2 against an insider's edits, on real repositories: every byte of the change is
bound; a rebase that applies the same hunks with the same context is not a new change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countersign.facts.context import Context
from countersign.facts.hazards import UNANALYSABLE, find_hazards
from countersign.intake.fingerprint import (
    PatchDigest,
    _indexed,
    _searched,
    fingerprint_patch,
    occurrences,
    superseded_reason,
)
from countersign.intake.git import read_change

CHARGE = "def pay(user):\n    load(user)\n    charge(user)\n    log(user)\n    return ok\n"
CHECK = "    if not is_admin(user): raise Denied()\n"


def branch_with(repo, base_files, head_files):
    """``main`` with ``base_files``, branch ``f`` on it with ``head_files``; the fingerprint."""
    repo.commit("base", **base_files)
    repo.git("checkout", "-q", "-b", "f")
    for rel, content in head_files.items():
        repo.write(rel, content)
    repo.commit("edit")
    return read_change(repo.path)


def refingerprint(repo, rel, content):
    repo.write(rel, content)
    repo.git("commit", "-q", "-a", "--amend", "--no-edit")
    return read_change(repo.path).fingerprint


def test_replacing_the_bytes_of_an_approved_binary_changes_it(repo):
    before = branch_with(repo, {"a.txt": "a\n"}, {"logo.png": b"\x89PNG\0" + b"x" * 100})
    assert refingerprint(repo, "logo.png", b"\x89PNG\0" + b"y" * 100) != before.fingerprint


def test_moving_a_submodule_pointer_changes_it(repo, make_repo):
    lib = make_repo("lib")
    lib.commit("one", **{"x.txt": "1\n"})
    first = lib.commit("two", **{"x.txt": "2\n"})
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.git("-c", "protocol.file.allow=always", "submodule", "-q", "add", str(lib.path), "lib")
    repo.commit("add lib")
    before = read_change(repo.path).fingerprint
    repo.git("-C", "lib", "checkout", "-q", "HEAD~1")
    repo.git("add", "lib")
    repo.git("commit", "-q", "--amend", "--no-edit")
    assert read_change(repo.path).fingerprint != before
    assert first  # the pointer moved from this commit to its parent


def test_gitattributes_minus_diff_does_not_hide_later_rewrites(repo):
    before = branch_with(
        repo, {".gitattributes": "*.py -diff\n", "app.py": "x = 1\n"}, {"app.py": "x = 2\n"}
    )
    (f,) = before.files
    assert [line.text for line in f.added] == ["x = 2"]  # the analyzers still see the lines
    assert refingerprint(repo, "app.py", "x = 3\n") != before.fingerprint


def test_a_line_past_200000_is_hashed_and_the_file_is_unread(repo):
    big = "".join(f"{i}\n" for i in range(250_000))
    change = branch_with(repo, {"a.txt": "a\n"}, {"big.txt": big})
    (f,) = change.files
    assert f.skipped == "more than 200000 changed lines; the rest was not read"
    hazards = find_hazards(change, Context())
    assert [(h.kind, h.path) for h in hazards] == [(UNANALYSABLE, "big.txt")]
    assert "more than 200000 changed lines" in hazards[0].detail
    late = big.replace("\n249999\n", "\n249999 and something else\n")
    assert refingerprint(repo, "big.txt", late) != change.fingerprint


def test_bytes_that_decode_to_the_same_replacement_are_different(repo):
    before = branch_with(repo, {"a.txt": "a\n"}, {"b.txt": b"caf\xe9\n"})
    assert refingerprint(repo, "b.txt", b"caf\xe8\n") != before.fingerprint


def test_moving_an_added_check_after_the_charge_changes_it(repo):
    guarded = CHARGE.replace("    charge", CHECK + "    charge")
    before = branch_with(repo, {"pay.py": CHARGE}, {"pay.py": guarded})
    after_charge = CHARGE.replace("    log", CHECK + "    log")
    assert refingerprint(repo, "pay.py", after_charge) != before.fingerprint


def test_moving_an_edit_to_an_identical_copy_of_its_context_changes_it(repo):
    twice = "\n\n\n" + CHARGE + "\n\n\n" + CHARGE  # the same 7 lines around each charge()
    first = twice.replace("    charge", CHECK + "    charge", 1)
    before = branch_with(repo, {"pay.py": twice}, {"pay.py": first})
    at = twice.rindex("    charge")
    second = twice[:at] + CHECK + twice[at:]
    assert refingerprint(repo, "pay.py", second) != before.fingerprint


def test_mode_and_symlink_target_changes_change_it(repo):
    before = branch_with(repo, {"run.sh": "echo\n"}, {"run.sh": "echo hi\n"})
    (repo.path / "run.sh").chmod(0o755)
    repo.git("commit", "-q", "-a", "--amend", "--no-edit")
    executable = read_change(repo.path).fingerprint
    assert executable != before.fingerprint
    (repo.path / "link").symlink_to("one")
    repo.git("add", "link")
    repo.git("commit", "-q", "--amend", "--no-edit")
    one = read_change(repo.path).fingerprint
    (repo.path / "link").unlink()
    (repo.path / "link").symlink_to("two")
    repo.git("add", "link")
    repo.git("commit", "-q", "--amend", "--no-edit")
    assert read_change(repo.path).fingerprint not in {one, executable}


def test_a_rebase_over_edits_elsewhere_in_the_same_file_keeps_it(repo):
    body = "".join(f"line {i}\n" for i in range(40))
    before = branch_with(repo, {"a.txt": body, "b.txt": "b\n"}, {"a.txt": body + "end\n"})
    repo.git("checkout", "-q", "main")
    repo.commit("upstream", **{"a.txt": "top\n" + body, "b.txt": "b2\n"})
    repo.git("checkout", "-q", "f")
    repo.git("rebase", "-q", "main")
    after = read_change(repo.path)
    assert after.base != before.base
    assert after.fingerprint == before.fingerprint


@pytest.mark.parametrize(
    "config",
    [
        ("diff.context", "10"),
        ("diff.algorithm", "patience"),
        ("diff.interHunkContext", "20"),
        ("diff.suppressBlankEmpty", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.noprefix", "true"),
        ("diff.renames", "false"),
        ("color.diff", "always"),
        ("diff.orderFile", "order.txt"),
        ("diff.ignoreSubmodules", "all"),
    ],
)
def test_git_configuration_does_not_change_it(repo, config):
    body = "".join(f"line {i}\n\n" for i in range(30))
    change = branch_with(
        repo,
        {"a.txt": body, "z.txt": "z\n"},
        {"a.txt": body.replace("line 3\n", "3\n").replace("line 20\n", "x\n"), "z.txt": "y\n"},
    )
    (repo.path / "order.txt").write_text("z.txt\na.txt\n")
    repo.git("config", *config)
    assert read_change(repo.path).fingerprint == change.fingerprint


def test_a_nul_byte_migration_asks_for_review_with_the_reason(repo):
    change = branch_with(repo, {"a.txt": "a\n"}, {"db/002.sql": "DROP TABLE users;\0\n"})
    hazards = find_hazards(change, Context())
    assert [(h.kind, h.path) for h in hazards] == [(UNANALYSABLE, "db/002.sql")]
    assert "NUL bytes" in hazards[0].detail


def test_a_plan_json_with_a_nul_byte_asks_for_review(repo):
    plan = '{"resource_changes": [{"change": {"actions": ["delete"]}}]}\0'
    change = branch_with(repo, {"a.txt": "a\n"}, {"plan.json": plan})
    assert [h.path for h in find_hazards(change, Context()) if h.kind == UNANALYSABLE] == [
        "plan.json"
    ]


def test_a_png_is_binary_where_binary_is_expected(repo):
    change = branch_with(repo, {"a.txt": "a\n"}, {"logo.png": b"\x89PNG\0\1\2"})
    assert find_hazards(change, Context()) == ()


def test_occurrences_count_earlier_copies_of_the_old_lines():
    old = b"a\nb\na\nb\nc\n"
    assert occurrences(old, [(1, 2), (3, 2), (5, 1)]) == b"0,1,0"
    assert occurrences(b"x\n" * 10, [(5, 3)], budget=5).startswith(b"whole\0")


def test_patch_files_are_hashed_as_bytes():
    patch = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+caf\xe9\n"
    assert fingerprint_patch(patch) != fingerprint_patch(patch.replace(b"\xe9", b"\xe8"))
    assert fingerprint_patch(patch).startswith("cs2:")


def test_a_cs1_approval_is_explained():
    assert "cs2: fingerprints cover every byte" in str(superseded_reason("cs1:abc"))
    assert superseded_reason("cs2:abc") is None


def _counted_by_comparing(old: bytes, hunks: list[tuple[int, int]]) -> bytes:
    """``occurrences`` by its definition: every earlier place compared line by line."""
    lines = old.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    out = []
    for start, count in hunks:
        first = start - 1
        block = lines[first : first + count]
        if count == 0 or first < 0 or len(block) != count:
            out.append(b"-")
            continue
        out.append(str(sum(lines[b : b + count] == block for b in range(first))).encode())
    return b",".join(out)


@given(
    st.lists(st.sampled_from([b"a", b"b", b"", b"a\r", b"\xff"]), max_size=30),
    st.booleans(),
    st.lists(st.tuples(st.integers(-1, 32), st.integers(-1, 6)), min_size=1, max_size=4),
)
def test_searching_bytes_and_the_line_index_count_what_comparing_lines_counts(lines, eol, hunks):
    old = b"\n".join(lines) + (b"\n" if eol and lines else b"")
    split = old.split(b"\n")
    if split and not split[-1]:
        split.pop()
    expected = _counted_by_comparing(old, hunks)
    assert occurrences(old, hunks) == expected
    assert _searched(split, hunks) == expected
    assert _indexed(split, hunks, budget=10**9) == expected


SHAPES = (
    b"diff --git a/m.py b/m.py\nindex 1111111111111111111111111111111111111111..2222222222222222"
    b"222222222222222222222222 100644\n--- a/m.py\n+++ b/m.py\n@@ -3,3 +3,4 @@ def f():\n x\n y\n"
    b" z\n+w\ndiff --git a/one.py b/one.py\nindex 0000000000000000000000000000000000000000..3333"
    b"333333333333333333333333333333333333\n--- a/one.py\n+++ b/one.py\n@@ -1 +1 @@\n-a\n+b\n"
    b"\\ No newline at end of file\ndiff --git a/x b/x\nold mode 100644\nnew mode 100755\n"
    b"index 4444444444444444444444444444444444444444..5555555555555555555555555555555555555555\n"
    b"--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-p\n+q\n r\ndiff --git a/b.bin b/b.bin\nindex 6666666666"
    b"666666666666666666666666666666..7777777777777777777777777777777777777777 100644\n"
    b"Binary files a/b.bin and b/b.bin differ\n"
)


@given(st.integers(1, len(SHAPES)))
def test_the_common_header_is_hashed_as_its_five_lines_are(size):
    """Fed in pieces too small to hold a whole header, every line takes the line-by-line
    path; fed whole, most headers are matched at once: the same fingerprint and anchors."""
    whole, pieces = PatchDigest(), PatchDigest()
    whole.feed(SHAPES)
    for start in range(0, len(SHAPES), size):
        pieces.feed(SHAPES[start : start + size])
    assert whole.hexdigest() == pieces.hexdigest()
    assert [(f.old_blob, f.hunks) for f in whole.files] == [
        (f.old_blob, f.hunks) for f in pieces.files
    ]
    one = PatchDigest()
    for byte in range(len(SHAPES)):
        one.feed(SHAPES[byte : byte + 1])
    assert one.hexdigest() == whole.hexdigest()
