from __future__ import annotations

from countersign.hooks.pre_push import ZERO, Push, protected_pushes

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
