import pytest
from histories import DAY, T0, commit_at
from hypothesis import given, settings
from hypothesis import strategies as st

from countersign.errors import InputError
from countersign.facts.risk.mining import Index, Mined
from countersign.facts.risk.szz import is_fix, labels, removed_lines
from countersign.state.history import label, mine, read_labels

GOOD = "def f(x):\n    return x + 1\n\n\ndef g(x):\n    return x * 2\n"
BUG = GOOD.replace("x * 2", "x * 3")


@pytest.mark.parametrize(
    "message",
    [
        "Fix off-by-one in parser",
        "fix(parser): off-by-one",
        "Fixed crash on empty input",
        "Bug 123456 - NPE in ProblemReporter",
        "bugfix: timeouts",
        "Crash when the list is empty",
        "fixes #12",
        "Resolve JIRA-77: timeout",
        "Retry the upload\n\nCloses-Bug: #1234567\nChange-Id: I0123",
        'Retry the upload\n\nFixes: 1a2b3c4d5e6f ("Add upload")',
        "Retry the upload\n\nThis closes owner/repo#77.",
        "Retry the upload\n\nFixes https://github.com/o/r/issues/3",
        "Retry the upload\n\nBug: 4711",
        'Revert "x"\n\nThis reverts commit abcdef1.',
        "revert: drop the cache (#18409)",
    ],
)
def test_fix_messages_are_recognised(message):
    assert is_fix(message)


# A mention is not intent: most commit messages name an error, a patch or a bug somewhere.
@pytest.mark.parametrize(
    "message",
    [
        "Add parser",
        "Prefix names",
        "Update docs for the debugger",
        "Add fixtures for the parser tests",
        "Add error handling to the uploader",
        "Improve the error message for a bad path",
        "This patch adds support for IPv6",
        "Add IPv6 support\n\nThis patch adds the option.",
        "Add IPv6 support\n\nRelated-Bug: #1234567\nChange-Id: I0123",
        "Add IPv6 support\n\nPartial-Implements: blueprint ipv6",
        "Handle UTF-8 names and SHA-256 digests",
        "Add IPv6 support\n\nA later change will fix the docs; see bug 12 for the broken case.",
        "Implement the resolver\n\nSee #12 for the discussion.",
        "Bump lodash from 4.17.20 to 4.17.21 (#4411)",
    ],
)
def test_messages_without_fix_intent_are_not_fixes(message):
    assert not is_fix(message)


def test_removed_lines_skip_blank_and_comment_lines():
    diff = (
        b"diff --git a/m.py b/m.py\n--- a/m.py\n+++ b/m.py\n"
        b"@@ -3,4 +3,1 @@\n-    x = 1\n-\n-    # note\n-    y = 2\n+    z = 3\n"
    )
    assert removed_lines(diff) == {"m.py": [3, 6]}


def test_fix_blames_the_commit_that_introduced_the_changed_line(repo):
    commit_at(repo, T0, "alice", "Add math", **{"m.py": GOOD})
    bug = commit_at(repo, T0 + DAY, "bob", "Tweak g", **{"m.py": BUG})
    commit_at(repo, T0 + 2 * DAY, "carol", "Reformat", **{"m.py": BUG.replace("    ", "\t")})
    commit_at(repo, T0 + 3 * DAY, "alice", "Fix g", **{"m.py": GOOD.replace("    ", "\t")})
    labels = label(repo.path, mine(repo.path), gap_days=0)
    assert {s for s, b in labels.bug.items() if b == 1} == {bug}
    assert labels.fixes == 1


def test_blame_follows_a_rename_between_bug_and_fix(repo):
    commit_at(repo, T0, "alice", "Add", **{"old.py": GOOD})
    bug = commit_at(repo, T0 + DAY, "bob", "Tweak", **{"old.py": BUG})
    repo.git("mv", "old.py", "new.py")
    commit_at(repo, T0 + 2 * DAY, "carol", "Move")
    commit_at(repo, T0 + 3 * DAY, "alice", "Fix g", **{"new.py": GOOD})
    labels = label(repo.path, mine(repo.path), gap_days=0)
    assert [s for s, b in labels.bug.items() if b == 1] == [bug]


def test_a_pure_addition_fix_blames_nothing_and_a_revert_labels_its_target(repo):
    commit_at(repo, T0, "alice", "Add", **{"m.py": GOOD})
    bad = commit_at(repo, T0 + DAY, "bob", "Add h", **{"m.py": GOOD + "h = 1\n"})
    commit_at(repo, T0 + 2 * DAY, "alice", "Fix: add a test", **{"t.py": "assert True\n"})
    commit_at(repo, T0 + 3 * DAY, "bob", f"Revert\n\nThis reverts commit {bad}.", **{"m.py": GOOD})
    labels = label(repo.path, mine(repo.path), gap_days=0)
    assert [s for s, b in labels.bug.items() if b == 1] == [bad]


def test_recent_changes_stay_unlabelled_within_the_gap(repo):
    first = commit_at(repo, T0, "alice", "Add", **{"m.py": GOOD})
    bug = commit_at(repo, T0 + 100 * DAY, "bob", "Tweak", **{"m.py": BUG})
    fix = commit_at(repo, T0 + 101 * DAY, "alice", "Fix g", **{"m.py": GOOD})
    labels = label(repo.path, mine(repo.path), gap_days=30)
    assert labels.bug == {first: 0, bug: 1, fix: None}


def test_a_repository_without_fixes_has_no_labels_and_says_so(repo):
    commit_at(repo, T0, "alice", "Add", **{"m.py": GOOD})
    commit_at(repo, T0 + DAY, "bob", "Extend", **{"m.py": BUG})
    labels = label(repo.path, mine(repo.path))
    assert set(labels.bug.values()) == {None}
    assert labels.note == "no fix commits found: no labels (the packaged prior model stays in use)"


def test_explicit_labels_mark_commits_without_any_fix(repo, tmp_path):
    commit_at(repo, T0, "alice", "Add", **{"m.py": GOOD})
    bad = commit_at(repo, T0 + DAY, "bob", "Extend", **{"m.py": BUG})
    path = tmp_path / "labels.txt"
    path.write_text(f"# incidents\n{bad[:10]} INC-42 outage\n", encoding="utf-8")
    labels = label(repo.path, mine(repo.path), gap_days=0, explicit=read_labels(path))
    assert labels.bug[bad] == 1


def test_a_labels_file_with_garbage_says_which_line(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text("abc1234\nnot-a-sha\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"labels.txt:2: expected a commit sha first, got 'not-a-sha'"
    ):
        read_labels(path)


def _mined(sha: str, when: float, message: str) -> Mined:
    return Mined(
        sha,
        when,
        "a@example.com",
        ("0" * 40,),
        is_fix(message),
        ai=False,
        metrics={},
        message=message,
    )


SHAS = st.lists(
    st.text("0ab", min_size=1, max_size=6).map(lambda s: (s * 40)[:40]), unique=True, max_size=12
)


@settings(max_examples=200)
@given(SHAS, st.data())
def test_reverted_and_explicit_prefixes_label_every_commit_they_begin(shas, data):
    """A revert's target and an explicit label are prefixes (of any case, in the message):
    every mined commit they begin is defect-inducing, as a scan of every commit finds."""
    prefixes = data.draw(st.lists(st.text("0ab", min_size=7, max_size=9), max_size=4))
    case = data.draw(st.sampled_from([str.lower, str.upper]))
    reverts = [_mined(f"{'f' * 39}{k}", T0 + k, f"Revert\n\nThis reverts commit {case(p)}.")
               for k, p in enumerate(prefixes)]  # fmt: skip
    explicit = set(data.draw(st.lists(st.text("0ab", min_size=1, max_size=8), max_size=3)))
    index = Index(commits=[_mined(s, T0 + 100 + k, "Add") for k, s in enumerate(shas)] + reverts)
    found = labels(index, gap_days=0, explicit=explicit)
    starts = {p.lower() for p in prefixes} | explicit
    expected = {c.sha for c in index.commits if any(c.sha.startswith(p) for p in starts)}
    assert {s for s, b in found.bug.items() if b == 1} == expected
