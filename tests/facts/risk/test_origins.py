from array import array

from countersign.facts.risk.origins import apply, blocks, combine, unchanged


def test_a_hunk_replaces_the_removed_lines_origins_with_the_commit():
    old = array("I", [1, 1, 2, 2, 3])
    # line 2 changed into two lines, line 4 removed, one line added after line 5
    assert list(apply(old, [(2, 1, 2, 2), (4, 1, 5, 0), (5, 0, 6, 1)], 9)) == [1, 9, 9, 2, 3, 9]


def test_a_new_file_is_all_the_commits_own_lines():
    assert list(apply(None, [(0, 0, 1, 3)], 4)) == [4, 4, 4]


def test_a_merge_takes_each_line_from_the_first_parent_that_has_it():
    left, right = [b"a", b"b", b"c"], [b"a", b"x", b"c"]
    merged = [b"a", b"x", b"c", b"new"]
    sides = [
        (array("I", [1, 1, 1]), blocks(left, merged)),
        (array("I", [2, 2, 2]), blocks(right, merged)),
    ]
    assert list(combine(sides, 7, len(merged))) == [1, 2, 1, 7]


def test_unchanged_lines_ignore_whitespace_and_keep_order():
    old = [b"def f():", b"    return 1", b"x = 1", b"y = 2"]
    new = [b"def f():", b"\treturn 1", b"z = 0", b"y = 2"]
    assert unchanged(old, new) == [(0, 0), (1, 1), (3, 3)]
