from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countersign.intake.mailbox import commits_in_patch
from countersign.intake.patch import change_from_patch

AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"


def _series(repo) -> str:
    repo.commit("init", **{"app/a.py": "a = 1\n", "app/b.py": "b = 1\n"})
    repo.commit(
        "Fix the rounding of totals: a subject long enough that format-patch folds it onto "
        "a second header line" + "\n\nThe body explains why." + AI,
        author="Zoë Ünïcode <zoe@example.com>",
        **{"app/a.py": "a = 2\nc = 3\n"},
    )
    repo.git("mv", "app/b.py", "app/renamed.py")
    repo.commit("Rename b", author="Sam <sam@example.com>")
    return repo.git("format-patch", "--stdout", "HEAD~2")


def test_format_patch_messages_become_commits_with_author_date_and_trailers(repo):
    first, second = commits_in_patch(_series(repo))
    assert (first.author_name, first.author_email) == ("Zoë Ünïcode", "zoe@example.com")
    assert first.subject == (
        "Fix the rounding of totals: a subject long enough that format-patch folds it onto "
        "a second header line"
    )
    assert first.message.endswith(
        "The body explains why.\n\nCo-authored-by: Claude <noreply@anthropic.com>\n"
    )
    assert (first.paths, first.lines_added) == (("app/a.py",), 2)
    assert first.sha == repo.git("rev-parse", "HEAD~1").strip()
    assert first.authored_at > 0
    assert second.subject == "Rename b"
    assert set(second.paths) == {"app/b.py", "app/renamed.py"}


def test_numbered_series_subjects_lose_their_patch_prefix(repo):
    repo.commit("init", **{"a.txt": "1\n"})
    repo.commit("one", **{"a.txt": "2\n"})
    repo.commit("two", **{"a.txt": "3\n"})
    text = repo.git("format-patch", "--stdout", "-n", "HEAD~2")
    assert [c.subject for c in commits_in_patch(text)] == ["one", "two"]


def test_a_plain_diff_has_no_commits_and_the_change_has_no_author(repo):
    repo.commit("init", **{"a.txt": "1\n"})
    repo.write("a.txt", "2\n")
    change = change_from_patch(repo.git("diff").encode(), "x.patch")
    assert change.commits == ()
    assert change.author_email is None


def test_a_patch_file_change_takes_its_author_from_the_newest_message(repo):
    change = change_from_patch(_series(repo).encode(), "series.patch")
    assert change.author_email == "sam@example.com"
    assert len(change.commits) == 2


def test_damaged_messages_are_skipped_not_fatal():
    sha = "0" * 40
    broken = (
        f"From {sha} Mon Sep 17 00:00:00 2001\nFrom: nobody\nSubject: x\n\nbody\n"  # no address
        f"From {sha} Mon Sep 17 00:00:00 2001\nno blank line after the headers\n"
        f"From {sha} Mon Sep 17 00:00:00 2001\nFrom: A <a@example.com>\nDate: not a date\n"
        "Subject: =?bogus?q?x?=\n\nbody\n"
    )
    (only,) = commits_in_patch(broken)
    assert (only.author_email, only.authored_at) == ("a@example.com", 0)


@given(
    st.lists(
        st.one_of(
            st.just("From " + "a" * 40 + " Mon Sep 17 00:00:00 2001\n"),
            st.just("From: Zoë <z@example.com>\n"),
            st.just("Subject: =?utf-8?b?w7w=?= [PATCH 1/2]\n"),
            st.just("Date: Mon, 1 Jan 2024 00:00:00 +0000\n"),
            st.just("\n"),
            st.just("---\n"),
            st.just("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"),
            st.text(max_size=40),
        ),
        max_size=30,
    )
)
def test_any_text_gives_commits_or_none_and_never_raises(parts):
    for commit in commits_in_patch("".join(parts)):
        assert "@" in commit.author_email
        assert commit.message.endswith("\n")
