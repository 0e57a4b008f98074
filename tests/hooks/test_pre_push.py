from __future__ import annotations

from countersign.hooks.pre_push import ZERO, Push, pre_commit_refs, protected_pushes

PROTECTED = ("main", "release/*")
A, B = "a" * 40, "b" * 40


def test_only_updates_of_existing_protected_branches_are_verified():
    stdin = "\n".join(
        [
            f"refs/heads/main {B} refs/heads/main {A}",
            f"refs/heads/wip {B} refs/heads/release/2.0 {A}",
            f"refs/heads/topic {B} refs/heads/topic {A}",  # not protected
            f"refs/heads/main {B} refs/heads/main {ZERO}",  # a new branch: nothing deployed
            f"(delete) {ZERO} refs/heads/main {A}",  # a deletion: the server's business
            f"refs/tags/v1 {B} refs/tags/v1 {ZERO}",
            "garbage",
            "",
        ]
    )
    assert protected_pushes(stdin, PROTECTED) == (
        Push("main", A, B),
        Push("release/2.0", A, B),
    )


def test_the_pre_commit_frameworks_variables_become_the_pushed_ref():
    env = {
        "PRE_COMMIT_FROM_REF": "a" * 40,
        "PRE_COMMIT_TO_REF": "b" * 40,
        "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main",
        "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main",
    }
    (push,) = protected_pushes(pre_commit_refs(env), ("main",))
    assert push == Push("main", "a" * 40, "b" * 40)
    # a new branch (no FROM_REF) is left to the server, as with git's own stdin
    assert protected_pushes(pre_commit_refs({**env, "PRE_COMMIT_FROM_REF": ""}), ("main",)) == ()
    assert pre_commit_refs({}) == ""
