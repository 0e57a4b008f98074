from __future__ import annotations

import pytest

from countersign.errors import InputError
from countersign.intake.change import FileStatus
from countersign.intake.patch import change_from_patch, read_patch_file

PATCH = """\
From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: Dev <dev@example.com>
Subject: [PATCH] edit

diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,2 +1,3 @@
 import os
-x = 1
+x = 2
+y = 3
diff --git a/old name.txt b/new name.txt
similarity index 100%
rename from old name.txt
rename to new name.txt
diff --git "a/tab\\there.txt" "b/tab\\there.txt"
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ "b/tab\\there.txt"
@@ -0,0 +1 @@
+hello
\\ No newline at end of file
diff --git a/gone.bin b/gone.bin
deleted file mode 100644
index 4444444..0000000
Binary files a/gone.bin and /dev/null differ
"""


def test_patch_file_yields_files_with_status_paths_and_lines():
    change = change_from_patch(PATCH.encode(), "x.patch")
    by_path = {f.path: f for f in change.files}
    assert set(by_path) == {"src/app.py", "new name.txt", "tab\there.txt", "gone.bin"}
    app = by_path["src/app.py"]
    assert [(line.number, line.text) for line in app.added] == [(2, "x = 2"), (3, "y = 3")]
    assert [(line.number, line.text) for line in app.removed] == [(2, "x = 1")]
    assert by_path["new name.txt"].status is FileStatus.RENAMED
    assert by_path["new name.txt"].old_path == "old name.txt"
    assert by_path["tab\there.txt"].status is FileStatus.ADDED
    assert by_path["gone.bin"].status is FileStatus.DELETED
    assert by_path["gone.bin"].binary
    assert change.source == "patch"


def test_binary_junk_is_not_a_patch():
    with pytest.raises(InputError, match="binary, not a patch"):
        change_from_patch(b"\x00\x01\x02garbage", "junk.bin")


def test_text_without_diffs_says_how_to_make_a_patch():
    with pytest.raises(InputError, match="no file changes in git's diff format"):
        change_from_patch(b"hello world\n", "notes.txt")


def test_missing_patch_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read patch"):
        read_patch_file(str(tmp_path / "nope.patch"))


def test_a_patch_over_the_size_limit_is_refused_with_what_to_do(tmp_path, monkeypatch):
    import countersign.intake.patch as patch_module

    monkeypatch.setattr(patch_module, "MAX_PATCH_BYTES", 2 * 2**20)
    big = tmp_path / "big.patch"
    big.write_text(PATCH * (3 * 2**20 // len(PATCH)))
    with pytest.raises(InputError, match=r"is 3\.0 MiB, over the 2 MiB limit for patch files"):
        read_patch_file(str(big))
