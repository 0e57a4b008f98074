from countersign.facts.risk.content import (
    COLUMNS,
    code_of,
    code_words,
    count,
    generated_share,
    lines_patch,
)

PATCH = b"""diff --git a/m.py b/m.py
index 1111111..2222222 100644
--- a/m.py
+++ b/m.py
@@ -3,4 +3,9 @@ def f(x):
-    if x:
-        return 1
+    try:
+        if x and y:
+            return g(x)
+        elif z:
+            LOG.warning("z %s", z)
+    except ValueError:
+        raise
+    # the comment
+    import os
diff --git a/A.java b/A.java
--- a/A.java
+++ b/A.java
@@ -1 +1,4 @@
-    } catch (IOException e) {
+    public int size() {
+    } else {
+    #include <x.h>
diff --git a/t_test.go b/t_test.go
@@ -1 +1,3 @@
+	if err != nil {
+		t.Fatalf("no")
+	assert x == 1
"""


def test_each_kind_counts_the_lines_that_start_with_it():
    got = count(PATCH)
    assert {k for k in got if ":" not in k} | {"gen_share"} == set(COLUMNS)
    assert got["add_control"] == 4  # if, elif, } else, if err != nil
    assert got["del_control"] == 1
    assert got["add_except"] == 4  # try, except, raise, if err != nil
    assert got["del_except"] == 1  # } catch
    assert got["add_return"] == 1
    assert got["del_return"] == 1
    assert got["add_log"] == 1
    assert got["add_comment"] == 1  # "# the comment"; #include is an import
    assert got["add_import"] == 2  # import os, #include
    assert got["add_decl"] == 1  # public int size()
    assert got["add_assert"] == 2  # t.Fatalf, assert


def test_file_headers_never_count():
    headers = b"--- a/if.py\n+++ b/return.py\n--- a/# x\n+++ b/* y\n"
    assert all(v == 0 for v in count(headers).values())


def test_a_changes_own_lines_count_as_its_patch_does():
    added = ["    try:", "        if x and y:", "            return g(x)"]
    removed = ["    if x:", "        return 1"]
    patch = b"@@ -1,2 +1,3 @@\n" + b"\n".join(
        [b"-" + r.encode() for r in removed] + [b"+" + a.encode() for a in added]
    )
    assert count(lines_patch(added, removed)) == count(patch)


def test_generated_and_vendored_files():
    paths = ["vendor/x/a.go", "go.sum", "web/app.min.js", "api/x_pb2.py", "src/main.py"]
    assert generated_share(paths) == 0.8
    assert generated_share([]) == 0.0


def test_code_words_are_the_identifiers_of_the_added_and_removed_lines():
    patch = b"""diff --git a/nova/compute/manager.py b/nova/compute/manager.py
--- a/nova/compute/manager.py
+++ b/nova/compute/manager.py
@@ -10,2 +10,3 @@ class ComputeManager:
-        self._sync_power_states(ctxt)
+        if CONF.sync_power_state_interval < 0:
+            LOG.debug("Skip %s", instance_uuid, x=1)
+        self._sync_power_states(ctxt)
"""
    assert code_words(patch) == {
        "c-:self", "c-:_sync_power_states", "c-:ctxt",
        "c+:if", "c+:conf", "c+:sync_power_state_interval", "c+:log", "c+:debug",
        "c+:skip", "c+:instance_uuid", "c+:self", "c+:_sync_power_states", "c+:ctxt",
    }  # fmt: skip
    # the file headers, the hunk header's context, one-character names and digits are not read
    assert not {"c+:b", "c-:a", "c+:nova", "c+:class", "c+:x", "c+:computemanager"} & code_words(
        patch
    )
    assert code_words(b"+" + b"a" * 40) == {"c+:" + "a" * 31, "c+:" + "a" * 9}


def test_a_patch_count_holds_its_code_words_and_a_changes_own_lines_give_the_same():
    added, removed = ["    return g(x_value)"], ["    return 1"]
    patch = b"@@ -1 +1 @@\n-    return 1\n+    return g(x_value)\n"
    got = count(patch)
    assert code_of(got) == {"c+:return", "c+:x_value", "c-:return"} == code_words(patch)
    assert got["add_return"] == 1.0
    assert code_of(count(lines_patch(added, removed))) == code_of(got)
    assert code_of(None) == frozenset()
